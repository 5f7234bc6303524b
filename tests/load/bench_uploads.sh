#!/usr/bin/env bash
# shellcheck disable=SC2034  # conn_of and mbps are read by tests/load/lib.sh's table
# Warsha upload benchmark (docs/uploads.md): POST /api/upload/image with a 2 MB photo,
# each request decoded and written again as its three variants (1200, 500 and 150 px),
# measured with wrk at a few concurrencies next to nginx's own ceiling in the same run,
# as tests/load/bench_search.sh does.
#
#   tests/load/bench_uploads.sh [BASE_URL]        (scripts/dev bench uploads)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080, whose database it reads through
# var/dev/warsha.conf (to find what the run uploaded). It:
#   - makes a photo-like JPEG of about 2 MB once with the vips command (libvips-tools):
#     3000 × 2000, soft shapes of colour with detail and grain, quality 90;
#   - registers a customer for the run and uploads as them;
#   - sends DIFFERENT bytes in every request, since uploads are stored by the SHA-256 of
#     what was sent and the same bytes twice skip the image work: a JPEG comment segment
#     (COM, FF FE) right after the start-of-image marker carries the run's tag, the wrk
#     thread and a counter; the image decodes the same. Checked first with curl: one
#     upload answers 201 with three variants, two with different counters have different
#     hashes; checked after: as many stored hashes as rows;
#   - fails when any timed request answered other than 2xx (wrk's "Non-2xx") or hit a
#     socket error, or a run had no answer at all. The dev stack's nginx never limits (its rate-limit zones have an
#     empty key, nginx/warsha-dev.conf.in); production's warsha_upload zone (10 a minute
#     for an address) would answer 429 after ten, and this check would say so;
#   - deletes what it uploaded at the end (DELETE /api/upload/<sha256> as the owner, for
#     every hash of the run's customer in the uploads table), so the stack's disk does
#     not fill: about 200 KB of variants per upload.
# Environment: BENCH_UPLOADS_SECONDS (10), BENCH_UPLOADS_CONNECTIONS ("1 2 4 8": one
# timed run each), BENCH_UPLOADS_TIMEOUT (wrk --timeout, 30s), BENCH_UPLOADS_PHOTO (a
# JPEG of your own instead of the generated one).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_uploads
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_UPLOADS_SECONDS:-10}
timeout=${BENCH_UPLOADS_TIMEOUT:-30s}
read -r -a concurrencies <<<"${BENCH_UPLOADS_CONNECTIONS:-1 2 4 8}"
conns=${concurrencies[-1]}
threads=2
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
conf=$stack_dir/warsha.conf
command -v vips >/dev/null || die "the vips command is not installed (libvips-tools; scripts/dev deps)"
command -v mariadb >/dev/null || die "the mariadb client is not installed (scripts/dev deps)"
[ -r "$conf" ] || die "no $conf (the dev stack's database is needed)"
work=$(mktemp -d)
trap 'rm -f "$bench_tmp"; rm -rf "$work"' EXIT

# shellcheck source=tests/load/db_lib.sh
. "$root/tests/load/db_lib.sh"
db_connect

# ------------------------------------------------------------------ the photo

photo=$work/photo.jpg
if [ -n "${BENCH_UPLOADS_PHOTO:-}" ]; then
	cp "$BENCH_UPLOADS_PHOTO" "$photo"
else
	# Per band: 16 × 11 random levels enlarged 190 times (soft shapes of colour, the
	# scene), plus noise blurred by 2 px (detail that survives the 1200 px variant, which
	# comes out about 170 KB, as a phone photo's), plus fine noise (a sensor's grain,
	# which is what makes a camera JPEG 2 MB and not 300 KB).
	for b in 0 1 2; do
		vips gaussnoise "$work/l$b.v" 16 11 --sigma 55 --mean 128
		vips resize "$work/l$b.v" "$work/u$b.v" 190 --kernel cubic
		vips crop "$work/u$b.v" "$work/s$b.v" 0 0 3000 2000
		vips gaussnoise "$work/m$b.v" 3000 2000 --sigma 40 --mean 0
		vips gaussblur "$work/m$b.v" "$work/d$b.v" 2
		vips gaussnoise "$work/g$b.v" 3000 2000 --sigma 4 --mean 0
		vips add "$work/s$b.v" "$work/d$b.v" "$work/sd$b.v"
		vips add "$work/sd$b.v" "$work/g$b.v" "$work/c$b.v"
	done
	vips bandjoin "$work/c0.v $work/c1.v $work/c2.v" "$work/rgb.v"
	vips cast "$work/rgb.v" "$work/u8.v" uchar
	vips copy "$work/u8.v" "${photo}[Q=90]" --interpretation srgb
	rm -f "$work"/*.v
fi
photo_bytes=$(stat -c %s "$photo")
photo_dims=$(vipsheader -f width "$photo")×$(vipsheader -f height "$photo")
[ "$(head -c 2 "$photo" | od -An -tx1 | tr -d ' ')" = ffd8 ] || die "$photo is not a JPEG"
printf 'photo: %s, %s bytes (%.2f MB), JPEG quality 90\n' "$photo_dims" "$photo_bytes" \
	"$(awk -v b="$photo_bytes" 'BEGIN { print b / 1e6 }')"

# marked LABEL OUT: the photo with a COM segment holding LABEL right after its SOI
# (FF D8, FF FE, the segment's length in two bytes counting themselves, LABEL, then
# the rest of the photo from its first marker on). The wrk script below does the same.
marked() {
	local len=$((${#1} + 2))
	{
		printf '\xff\xd8\xff\xfe'
		printf '%b' "\\x$(printf %02x $((len >> 8)))\\x$(printf %02x $((len & 255)))"
		printf '%s' "$1"
		tail -c +3 "$photo"
	} >"$2"
}

# ------------------------------------------------------------------ the uploader

new_customer
me=$(curl -sS -m 30 -H "Authorization: Bearer $ctoken" "$base/api/auth/me" |
	json 'd["data"]["user"]["id"] if "user" in d["data"] else d["data"]["id"]') || me=
[ -n "$me" ] || die "GET /api/auth/me did not give the benchmark customer's id"
tag=$(openssl rand -hex 6)   # this run's uploads are unlike any earlier run's
echo "uploading as customer $me; run tag $tag"

upload() { # upload FILE: one POST /api/upload/image; $status, $took, $body
	read -r status took < <(curl -sS -m 120 -o "$bench_tmp" -w '%{http_code} %{time_total}\n' \
		-H "Authorization: Bearer $ctoken" -F "image=@$1;type=image/jpeg;filename=photo.jpg" \
		"$base/api/upload/image" || echo "000 0")
	body=$(cat "$bench_tmp")
}

# The check: one upload answers 201 (or 200) with three variants; a second one with
# another counter is stored under another hash. Its time is the "alone" figure.
marked "warsha-bench $tag check 1" "$work/a.jpg"
marked "warsha-bench $tag check 2" "$work/b.jpg"
upload "$work/a.jpg"
case $status in 200 | 201) ;; *) die "POST /api/upload/image answered $status: $(head -c 300 <<<"$body")" ;; esac
variants=$(json 'len(d["data"]["upload"]["variants"])' <<<"$body")
sha_a=$(json 'd["data"]["upload"]["sha256"]' <<<"$body")
[ "$variants" = 3 ] || die "the upload has $variants variants, not 3: $(head -c 300 <<<"$body")"
[ "$sha_a" = "$(sha256sum "$work/a.jpg" | cut -d' ' -f1)" ] || die "the answer's sha256 is not the sent bytes' hash"
alone_s=$took
alone_status=$status
echo "  one upload alone: $status, $variants variants ($(json '", ".join("%s %sx%s" % (k, v["width"], v["height"]) for k, v in sorted(d["data"]["upload"]["variants"].items(), key=lambda kv: -kv[1]["width"]))' <<<"$body")), $(ms "$alone_s") ms"
upload "$work/b.jpg"
case $status in 200 | 201) ;; *) die "the second upload answered $status: $(head -c 300 <<<"$body")" ;; esac
sha_b=$(json 'd["data"]["upload"]["sha256"]' <<<"$body")
if [ -z "$sha_b" ] || [ "$sha_a" = "$sha_b" ]; then
	die "two uploads with different counters have the same sha256 $sha_a"
fi
echo "  a second upload, another counter: $status, sha256 ${sha_a:0:12}… then ${sha_b:0:12}…"

# wrk's script: every request the photo with its own COM segment, in a multipart body
# of one part named "image" (docs/uploads.md, Images). Each thread numbers its own.
lua=$work/upload.lua
cat >"$lua" <<'LUA'
local photo, rest, tag, boundary
local n = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  local f = assert(io.open(os.getenv("BENCH_UPLOADS_FILE"), "rb"))
  photo = f:read("*a")
  f:close()
  assert(photo:sub(1, 2) == "\255\216", "not a JPEG")
  rest = photo:sub(3)
  tag = os.getenv("BENCH_UPLOADS_TAG") .. " " .. os.getenv("BENCH_UPLOADS_RUN") .. " " .. tostring(tid)
  boundary = "warsha-bench-" .. os.getenv("BENCH_UPLOADS_TAG") .. "-" .. tostring(tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
end
function request()
  n = n + 1
  local label = "warsha-bench " .. tag .. " " .. n
  local len = #label + 2
  local body = table.concat({
    "--", boundary, "\r\n",
    'Content-Disposition: form-data; name="image"; filename="photo.jpg"\r\n',
    "Content-Type: image/jpeg\r\n\r\n",
    "\255\216\255\254", string.char(math.floor(len / 256), len % 256), label, rest,
    "\r\n--", boundary, "--\r\n"})
  return wrk.format(nil, nil, nil, body)
end
LUA

# ------------------------------------------------------------------ timing

declare -A conn_of mbps
names=("nginx return 200")
conn_of[nginx return 200]=$conns
drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for c in "${concurrencies[@]}"; do
	name="POST /api/upload/image, $c conn$([ "$c" = 1 ] || echo s)"
	names+=("$name")
	conn_of[$name]=$c
	conns=$c
	threads=$((c < 2 ? c : 2))
	export BENCH_UPLOADS_FILE=$photo BENCH_UPLOADS_TAG=$tag BENCH_UPLOADS_RUN=c$c
	run "$name" /api/upload/image -s "$lua" -H "Authorization: Bearer $ctoken"
	mbps[$name]=$(awk -v r="${rps[$name]}" -v b="$photo_bytes" 'BEGIN { printf "%.1f", r * b / 1e6 }')
done
alone["${names[1]}"]=$(ms "$alone_s")
load_after=$(cut -d' ' -f1 /proc/loadavg)

# ------------------------------------------------------------------ what the run left

# drain (tests/load/lib.sh) returns once /health is quick again, which an idle worker
# answers while another still finishes an upload wrk abandoned: wait until the run's rows
# hold still for 2 s before counting them.
mine() { db -e "SELECT $1 FROM uploads WHERE owner_id = $me"; }
before=-1
for ((i = 0; i < 60; i++)); do
	rows=$(mine 'COUNT(*)')
	[ "$rows" != "$before" ] || break
	before=$rows
	sleep 2
done
# Every row of the run's customer: as many hashes as rows (no request repeated another's
# bytes), then each deleted as its owner, which removes the files with the last row
# (again for any row that came later, at most three times).
hashes=$(mine 'COUNT(DISTINCT sha256)')
deleted=0
undeleted=0
for ((pass = 0; pass < 3; pass++)); do
	while read -r sha; do
		[ -n "$sha" ] || continue
		code=$(curl -sS -m 60 -o /dev/null -w '%{http_code}' -X DELETE \
			-H "Authorization: Bearer $ctoken" "$base/api/upload/$sha") || code=000
		if [ "$code" = 200 ]; then deleted=$((deleted + 1)); else undeleted=$((undeleted + 1)); fi
	done < <(mine 'DISTINCT sha256')
	sleep 2
	left=$(mine 'COUNT(*)')
	[ "$left" != 0 ] || break
done

bench_extra=("conns:conn_of" "MB/s in:mbps")
printf '\n%s cores (load average %s before the run, %s after it), wrk --timeout %s, %ss a run;\n' \
	"$(nproc)" "$load" "$load_after" "$timeout" "$secs"
printf 'the photo: %s, %s bytes; "MB/s in": the photos received a second; "alone ms": one upload by itself (%s)\n\n' \
	"$photo_dims" "$photo_bytes" "$alone_status"
table 36 "${names[@]}"
printf '\nuploads stored: %s rows, %s different hashes; deleted as their owner: %s (%s not), %s rows left\n' \
	"$rows" "$hashes" "$deleted" "$undeleted" "$left"

failed=
for name in "${names[@]}"; do
	case ${notes[$name]} in
	0\ * | *non-2xx* | *"socket errors"*) failed+="$name: ${notes[$name]}; " ;;
	esac
done
[ "$rows" = "$hashes" ] || failed+="$rows rows for $hashes hashes: some requests repeated earlier bytes; "
if [ "$undeleted" != 0 ] || [ "$left" != 0 ]; then
	failed+="$left uploads of customer $me left: their files stay under the stack's upload_dir, public/ (DELETE /api/upload/<sha256> as them, or staff); "
fi
[ -z "$failed" ] || die "${failed%; }"
exit 0
