/** A real HTTP server in one endpoint; a client in the other endpoint, and the test process itself, fetch from it. */
import { expect, test } from "./harness.ts";
import { program } from "./network.ts";

test("a client endpoint fetches a page from the server endpoint", async ({ lab }) => {
  await lab.spawn("web", program("http-server.mjs", "8080", "web"), { ready: { tcp: 8080 } });
  const web = lab.endpoint("web").ipv4[0];
  const r = await lab.exec("cli", program("http-get.mjs", `http://${web}:8080/index.html`));
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("200 hello from web /index.html\n");
});

test("the test process fetches through a forward", async ({ lab }) => {
  await lab.spawn("web", program("http-server.mjs", "8080", "web"), { ready: { line: "listening on 8080" } });
  await using web = await lab.forward("web", 8080);
  const res = await fetch(web.url("/api"));
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("hello from web /api");
});
