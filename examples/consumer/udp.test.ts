/** A UDP echo server in one endpoint; a client endpoint, and the test process through a forward, get their echo. */
import { createSocket } from "node:dgram";
import { expect, test } from "./harness.ts";
import { program } from "./network.ts";

test("a client endpoint gets its datagram echoed", async ({ lab }) => {
  await lab.spawn("web", program("udp-echo.mjs", "9000"), { ready: { udp: 9000 } });
  const r = await lab.exec("cli", program("udp-ask.mjs", lab.endpoint("web").ipv4[0] ?? "", "9000", "hello"));
  expect(r.stdout).toBe("echo:hello\n");
});

test("the test process gets its datagram echoed through a UDP forward", async ({ lab }) => {
  await lab.spawn("web", program("udp-echo.mjs", "9000"), { ready: { udp: 9000 } });
  await using echo = await lab.forward("web", 9000, { protocol: "udp" });
  const socket = createSocket("udp4");
  const answer = await new Promise<string>((resolve) => {
    socket.once("message", (m) => resolve(String(m)));
    socket.send("from the test", echo.port, echo.host);
  });
  socket.close();
  expect(answer).toBe("echo:from the test");
});
