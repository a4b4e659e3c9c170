#!/bin/bash
# The container's health check: healthy while GET /health/ready answers 200 (503 while the store is down or its disk
# is below store.minFreeBytes). Bash's /dev/tcp needs no curl or wget in the image; the engine's --timeout bounds it.
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${HUB_HTTP_PORT:-8080}"
printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r status <&3
[[ "$status" == "HTTP/1.1 200 "* ]]
