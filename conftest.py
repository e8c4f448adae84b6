pytest_plugins = ["graders.pytest_plugin"]
