"""The probe container's reading of /proc/net/tcp: the sockets the app listens on, named in a failed probe."""

from graders.probe_container import parse_listening


def test_parse_listening():
    text = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
        "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
        "   2: 0100007F:1F40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1\n"
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 0 0 0 0\n"
        "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 0 0 0 0\n"
    )
    assert parse_listening(text) == (("127.0.0.1", 8000), ("0.0.0.0", 8080), ("::1", 8000), ("::", 80))


def test_a_v4_mapped_address_and_garbage():
    text = ("   0: 0000000000000000FFFF00000100007F:1F40 00000000000000000000000000000000:0000 0A 0 0\n"
            "   1: nothex:ZZ 0:0 0A\n"
            "   2: 0100007F:1F40 00000000:0000 0A\n")
    assert parse_listening(text) == (("127.0.0.1", 8000),), "the same socket in tcp6 and tcp counts once"
