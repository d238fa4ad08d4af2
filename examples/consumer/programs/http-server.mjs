// An HTTP server: `<runtime> http-server.mjs <port> <name>` answers every request with
// `hello from <name> <path>` and prints `listening on <port>` once it listens.
import { createServer } from "node:http";

const [port, name] = process.argv.slice(2);
createServer((req, res) => res.end(`hello from ${name} ${req.url}`)).listen(Number(port), () => console.log(`listening on ${port}`));
