#!/usr/bin/env bash
# Refreshes docs/dashboard.png, the README's picture of a device room: runs the screenshot test (a real hub, a
# simulated plant and headless Chromium; needs chromium and chromium-driver) and copies what it wrote.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl hub -am test -Dtest=DashboardScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false
cp hub/target/screenshots/device-view.png docs/dashboard.png
echo "docs/dashboard.png refreshed"
