/** One lab for the whole file: the tests see the same endpoints, addresses and programs. */
import { describe, expect, fileLab } from "./harness.ts";
import { program } from "./network.ts";
import * as runner from "vitest";

const lab = fileLab();

describe("a lab shared by the tests of a file", () => {
  runner.test("endpoints have their addresses", () => {
    expect(lab().endpoint("web").ipv4).toEqual(["10.50.0.10"]);
    expect(lab().endpoint("cli").ipv4).toEqual(["10.50.0.2"]);
  });

  runner.test("cli reaches web (ping)", async () => {
    const r = await lab().exec("cli", ["ping", "-c", "1", "-W", "2", "10.50.0.10"]);
    expect(r.code).toBe(0);
  });

  runner.test("a server started by one test serves the next", async () => {
    await lab().spawn("web", program("http-server.mjs", "8081", "shared"), { ready: { tcp: 8081 } });
  });

  runner.test("… like this one", async () => {
    const r = await lab().exec("cli", program("http-get.mjs", "http://10.50.0.10:8081/"));
    expect(r.stdout).toBe("200 hello from shared /\n");
  });
});
