/**
 * The guest's `/init` (busybox `sh`, PID 1): mounts proc/sys/dev/run/tmp, loads the modules listed
 * in `/etc/underlay/modules` in order, brings up `lo`, and serves the agent on the port named by
 * `underlay.agent=` on the kernel command line (default `/dev/ttyS1`). Pure text.
 * @module
 */

/** Where the initramfs lists module files in load order: an absolute path, then any parameters, per line. */
export const MODULE_LIST_PATH = "etc/underlay/modules";

/**
 * The `/init` script text.
 *
 * @example
 * ```ts
 * entries.push({ type: "file", path: "init", data: new TextEncoder().encode(initScript()), mode: 0o755 });
 * ```
 */
export function initScript(): string {
  return `#!/bin/busybox sh
# underlay kernel-lab init (PID 1). Output goes to the console (ttyS0 → the console log file).
export PATH=/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run/netns
while read -r m params; do
  insmod "$m" $params || echo "underlay-init: insmod $m failed"
done </${MODULE_LIST_PATH}
ip link set lo up
agent=/dev/ttyS1
for w in $(cat /proc/cmdline); do
  case $w in underlay.agent=*) agent=\${w#underlay.agent=};; esac
done
n=0
while [ ! -e "$agent" ] && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
echo "underlay-init: $(uname -r) up, modules: $(wc -l </${MODULE_LIST_PATH}), agent on $agent"
while :; do
  busybox sh /agent <>"$agent" >&0 2>/dev/console
  echo "underlay-init: agent exited with $?, restarting"
  sleep 1
done
`;
}
