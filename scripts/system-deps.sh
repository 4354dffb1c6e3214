#!/usr/bin/env bash
# The system packages the test suite needs, on Debian: Chromium (browser tests), Liberation
# Serif 2 (Vietnamese-complete font of the PDFs), poppler-utils (pdftotext, pdftoppm, pdfinfo),
# zbar-tools (QR decoding) and unzip. Shared by `npm test` and `.ci/run`.
# Installs what is missing when it runs as root with apt-get; otherwise stops at once with the
# one line to run.
set -euo pipefail
PKGS=(chromium fonts-liberation2 poppler-utils zbar-tools unzip)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for pkg in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
else
	# not Debian: look for the programs themselves
	[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
	command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
	command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
	command -v unzip >/dev/null 2>&1 || missing+=(unzip)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "Đang cài gói hệ thống còn thiếu / installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	exit 0
fi
{
	echo "Thiếu gói hệ thống cho bộ kiểm thử / missing system packages: ${missing[*]}"
	echo "Hãy chạy / run:  sudo apt-get install -y --no-install-recommends ${missing[*]}"
} >&2
exit 3
