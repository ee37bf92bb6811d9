#!/usr/bin/env python3
"""Delays every packet of an NFQUEUE queue by a fixed time: netem's `delay` in user space.

    netns-delay.py QUEUE DELAY        # DELAY like 0.5ms, 500us or 0.002s

cluster/local-netns.sh uses it where the kernel has no netem qdisc (CONFIG_NET_SCH_NETEM unset,
as on small VM kernels): an iptables rule hands each packet crossing the test bridge to queue
QUEUE, and this process accepts it DELAY after it arrived. The delay is constant, so packets
leave in the order they came (a FIFO suffices) and TCP sees no reordering. Being a user-space
process it adds its own wake-up latency (about 0.1-0.3 ms on an idle 2-core VM) on top of DELAY;
the script measures the real round trip with ping and prints it.

Needs root (it binds a netfilter queue) and the NetfilterQueue module
(pip install NetfilterQueue; building it needs apt-get install libnetfilter-queue-dev).
"""

import collections
import re
import select
import signal
import sys
import time

UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_delay(text):
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(us|ms|s)", text)
    if match is None:
        sys.exit(f"netns-delay: delay '{text}' is not a number with us, ms or s (e.g. 0.5ms)")
    return float(match.group(1)) * UNIT_SECONDS[match.group(2)]


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: netns-delay.py QUEUE DELAY   (e.g. netns-delay.py 0 0.5ms)")
    queue_number = int(sys.argv[1])
    delay = parse_delay(sys.argv[2])
    try:
        from netfilterqueue import NetfilterQueue
    except ImportError:
        sys.exit("netns-delay: the NetfilterQueue module is missing; pip install NetfilterQueue "
                 "(needs apt-get install libnetfilter-queue-dev)")

    # (due time, packet) in arrival order; with one constant delay the earliest due is first.
    pending = collections.deque()
    queue = NetfilterQueue()
    queue.bind(queue_number, lambda packet: pending.append((time.monotonic() + delay, packet)),
               max_len=8192)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    descriptor = queue.get_fd()
    print(f"netns-delay: queue {queue_number}, delay {delay * 1e3:g} ms", flush=True)
    try:
        while True:
            now = time.monotonic()
            while pending and pending[0][0] <= now:
                pending.popleft()[1].accept()
            timeout = pending[0][0] - now if pending else 1.0
            readable, _, _ = select.select([descriptor], [], [], max(0.0, timeout))
            if readable:
                queue.run(block=False)   # takes every packet waiting, calls the lambda for each
    finally:
        queue.unbind()


if __name__ == "__main__":
    main()
