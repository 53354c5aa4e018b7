"""`sla serve`: requests per second and latency of POST /api/v1/deadlines.

Run: .venv/bin/python bench/bench_serve.py [--requests N] [--clients 1,8,32]

Starts `sla serve` on a free loopback port in its own process (the server as a helpdesk meets
it: one uvicorn process), waits until it answers, then for each number of concurrent clients
sends N requests in all (default 2,000; each client its share, over its own keep-alive
connection) with a warm-up of 100 first. The requests cycle through the four priorities,
reports spread over a week and two contracts (a tier and a contract file), so no one answer is
timed over and over. Prints requests per second, p50 and p99 latency per level.
Target (issue 15): at 8 clients at least 500 requests/s with p99 at most 50 ms on the 2-core
machine. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("advanced", "bakkerij-de-vries")


def bodies(count: int) -> list[bytes]:
    out = []
    for i in range(count):
        day = 23 + i % 5
        hour = 8 + i % 11
        out.append(
            json.dumps(
                {
                    "contract": TARGETS[i % 2],
                    "priority": 1 + i % 4,
                    "reported": f"2026-11-{day:02d}T{hour:02d}:{(7 * i) % 60:02d}",
                    "first_response": f"2026-11-{day:02d}T{hour:02d}:59",
                }
            ).encode()
        )
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# The server as `sla serve` starts it, with the HTTP parser and event loop chosen by --stack:
# "auto" is what `sla serve` uses (httptools and uvloop, installed with sla); "h11" is the
# pure-Python pair, for comparison.
_SERVER = """
import sys, uvicorn
from pathlib import Path
from engine.paths import RULES_DIR
from engine.serve.app import build_server, create_app
app = create_app(build_server(RULES_DIR, Path(sys.argv[2]), None))
http, loop = ("h11", "asyncio") if sys.argv[3] == "h11" else ("auto", "auto")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", http=http, loop=loop)
"""


def start_server(port: int, stack: str) -> subprocess.Popen[bytes]:
    contracts = str(ROOT / "contracts")
    command = [sys.executable, "-c", _SERVER, str(port), contracts, stack]
    server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    for _ in range(200):  # at most 20 s
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("sla serve did not start within 20 s")


def client(port: int, work: list[bytes], latencies: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    for body in work:
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/deadlines", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except OSError as error:
            errors.append(str(error))
            break
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(f"HTTP {response.status}")
    connection.close()


def level(port: int, clients: int, total: int, requests: list[bytes]) -> dict[str, float]:
    shares = [requests[i::clients] for i in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=client, args=(port, share, latencies, errors)) for share in shares
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(ordered),
        "per_second": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--stack", choices=("auto", "h11"), default="auto")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, args.stack)
    try:
        requests = bodies(args.requests)
        level(port, 4, 100, bodies(100))  # warm-up: imports, caches, first connections
        load = os.getloadavg()[0]
        print(
            f"sla serve ({args.stack}), POST /api/v1/deadlines, {args.requests} requests per "
            f"level, {os.cpu_count()} CPUs, load average {load:.1f} before"
        )
        print(f"{'clients':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for clients in (int(c) for c in args.clients.split(",")):
            result = level(port, clients, args.requests, requests)
            print(
                f"{clients:>8} {result['per_second']:>8.0f} {result['p50_ms']:>8.1f} "
                f"{result['p99_ms']:>8.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
