#!/usr/bin/env bash
# Refreshes the README's pictures of the dashboard: the fleet view (docs/fleet.png) and a device room
# (docs/dashboard.png) on a laptop, and the device room on a phone (docs/phone.png). Runs the screenshot test (a
# real hub, a simulated plant and headless Chromium; needs chromium and chromium-driver) and copies what it wrote.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl hub -am test -Dtest=DashboardScreenshotTest -Dsurefire.failIfNoSpecifiedTests=false
cp hub/target/screenshots/fleet.png docs/fleet.png
cp hub/target/screenshots/device-view.png docs/dashboard.png
cp hub/target/screenshots/phone.png docs/phone.png
echo "docs/fleet.png, docs/dashboard.png and docs/phone.png refreshed"
