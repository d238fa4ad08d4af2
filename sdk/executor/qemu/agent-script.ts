/**
 * The guest side of the agent protocol: the busybox `sh` script the kernel lab's initramfs runs on
 * the agent port. The host side (requests, answers) is in `agent-protocol.ts`.
 * @module
 */

/**
 * The guest agent, a busybox `sh` script (it needs ash's `\${v//a/b}`) that the initramfs runs as
 * `busybox sh /agent` with stdin/stdout on the agent port. It answers `READY <uname -r>` once,
 * then serves requests until `Q` (power off). Per command it forks once for the program (plus
 * once per non-empty stdout/stderr, for base64).
 *
 * @example
 * ```ts
 * entries.push({ type: "file", path: "agent", data: new TextEncoder().encode(qemuAgentScript), mode: 0o755 });
 * ```
 */
export const qemuAgentScript: string = `#!/bin/busybox sh
# underlay guest agent, protocol v1 (see sdk/executor/qemu/agent-protocol.ts). stdin/stdout: the agent port.
stty raw -echo -iexten 2>/dev/null
nl='
'
cr=$(printf '\\r')
dec() { case $v in *%*) v=\${v//%0A/$nl}; v=\${v//%0D/$cr}; v=\${v//%25/%};; esac; }
# Sets $p to the program's path: busybox sh prefers its own applets (its "ip" is not iproute2).
found() {
  p=$1
  case $1 in */*) [ -f "$1" ] && [ -x "$1" ]; return;; esac
  for d in /sbin /bin /usr/sbin /usr/bin; do p=$d/$1; [ -f "$p" ] && [ -x "$p" ] && return 0; done
  return 1
}
mkdir -p /tmp/agent && cd /tmp/agent || exit 1
printf '\\002READY %s\\n' "$(uname -r)"
while IFS=' ' read -r tag id argc hasns inlen tmo; do
  case $tag in
  C) ;;
  P) printf '\\002P %s\\n' "$id"; continue;;
  Q) printf '\\002BYE %s\\n' "$id"; sync; poweroff -f; exit 0;;
  *) continue;;
  esac
  ns=
  if [ "$hasns" = 1 ]; then IFS= read -r v; dec; ns=$v; fi
  set --
  i=0
  while [ "$i" -lt "$argc" ]; do IFS= read -r v; dec; set -- "$@" "$v"; i=$((i + 1)); done
  inp=/dev/null
  if [ "$inlen" -gt 0 ]; then head -c "$inlen" >in; inp=in; fi
  if ! found "$1"; then printf '\\002N %s\\n' "$id"; continue; fi
  shift
  set -- "$p" "$@"
  if [ -n "$ns" ]; then set -- nsenter "--net=/run/netns/$ns" -- "$@"; fi
  if [ "$tmo" -gt 0 ]; then set -- timeout -s KILL "$tmo" "$@"; fi
  (exec "$@") <"$inp" >out 2>err
  rc=$?
  printf '\\002O %s\\n' "$id"; [ -s out ] && base64 out
  printf '\\002E %s\\n' "$id"; [ -s err ] && base64 err
  printf '\\002R %s %s\\n' "$id" "$rc"
done
`;
