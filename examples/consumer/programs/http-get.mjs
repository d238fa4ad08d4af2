// An HTTP client: `<runtime> http-get.mjs <url>` prints `<status> <body>`; exits 1 on a network error.
try {
  const res = await fetch(process.argv[2]);
  console.log(`${res.status} ${await res.text()}`);
} catch (e) {
  console.error(String(e?.cause ?? e));
  process.exit(1);
}
