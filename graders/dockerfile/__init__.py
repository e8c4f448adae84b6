"""The model of a Dockerfile: instructions with line numbers, stages, and RUN bodies as shell commands."""

from .calls import (
    AptCall,
    PipCall,
    PoetryCall,
    RemoveCall,
    apt_call,
    pip_call,
    poetry_call,
    remove_call,
)
from .model import Dockerfile, Instruction, Problem, Stage, parse
from .shell import Command, Script

__all__ = [
    "AptCall", "Command", "Dockerfile", "Instruction", "PipCall", "PoetryCall", "Problem", "RemoveCall", "Script",
    "Stage", "apt_call", "parse", "pip_call", "poetry_call", "remove_call",
]
