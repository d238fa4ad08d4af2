// A UDP echo server: `<runtime> udp-echo.mjs <port>` answers each datagram with `echo:<datagram>`.
import { createSocket } from "node:dgram";

const socket = createSocket("udp4");
socket.on("message", (msg, from) => socket.send(`echo:${msg}`, from.port, from.address));
socket.bind(Number(process.argv[2]), () => console.log(`bound to ${process.argv[2]}`));
