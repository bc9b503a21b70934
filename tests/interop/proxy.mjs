// A small HTTP proxy for the interop tests: plain requests (the long-polling
// GETs and POSTs) are forwarded as they are; what happens to WebSocket
// upgrade requests is the test's choice (forward, refuse, or hold until told).
import http from "node:http";
import net from "node:net";

/**
 * Starts a proxy on 127.0.0.1 in front of `target` ("http://127.0.0.1:PORT").
 * `upgrade` is "forward", "refuse" (HTTP 400, then the socket is closed),
 * "destroy" (the socket is closed without an answer) or "hold" (forwarded
 * once release() is called). Resolves with {url, port, counts, release(), close()};
 * counts.upgrades and counts.requests tell what reached the proxy.
 */
export function startProxy(target, { upgrade = "forward" } = {}) {
  const { hostname, port: targetPort } = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set();
  const counts = { requests: 0, upgrades: 0 };
  let release;
  const released = new Promise((resolve) => (release = resolve));

  const server = http.createServer((req, res) => {
    ++counts.requests;
    const upstream = http.request(
      { host: hostname, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });

  server.on("upgrade", async (req, socket, head) => {
    ++counts.upgrades;
    socket.on("error", () => {});
    if (upgrade === "refuse") {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (upgrade === "destroy") {
      socket.destroy();
      return;
    }
    if (upgrade === "hold") await released;
    if (socket.destroyed) return;
    const upstream = net.connect(Number(targetPort), hostname);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    let lines = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    upstream.write(lines + "\r\n");
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        counts,
        release: () => release(),
        close() {
          release();
          for (const s of sockets) s.destroy();
          agent.destroy();
          return new Promise((r) => server.close(r));
        },
      });
    });
  });
}
