// A UDP client: `<runtime> udp-ask.mjs <host> <port> <text>` sends one datagram and prints the
// answer; exits 1 when none comes within 2 s.
import { createSocket } from "node:dgram";

const [host, port, text] = process.argv.slice(2);
const socket = createSocket("udp4");
socket.on("message", (msg) => {
  console.log(String(msg));
  process.exit(0);
});
socket.send(text, Number(port), host);
setTimeout(() => {
  console.error("no answer within 2 s");
  process.exit(1);
}, 2000);
