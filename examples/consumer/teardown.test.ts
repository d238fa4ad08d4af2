/**
 * Teardown stops what runs in the lab: a server the test started and one started behind its
 * back (a shell that put it in the background) — both are reported by `down`.
 */
import { expect, test } from "./harness.ts";
import { program } from "./network.ts";

test("down stops the servers left running and says which", async ({ lab }) => {
  const server = await lab.spawn("web", program("http-server.mjs", "8080", "web"), { ready: { tcp: 8080 } });
  await lab.exec("cli", ["sh", "-c", "sleep 600 >/dev/null 2>&1 &"]);
  const down = await lab.down();
  expect(down.stopped.map((p) => [p.netns.endsWith("-web") ? "web" : "cli", p.argv[0]?.split("/").pop() === "sleep" ? "sleep" : "server"]).sort()).toEqual([
    ["cli", "sleep"],
    ["web", "server"],
  ]);
  expect((await server.exited).signal).toBe("SIGTERM");
});
