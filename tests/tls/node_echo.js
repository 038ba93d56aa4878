// Node `ws` echo server over https (127.0.0.1 only), for tests/tls.
//   NODE_PATH=<dir with ws> node node_echo.js CERT KEY PORT_FILE
'use strict';
const fs = require('fs');
const https = require('https');
const { WebSocketServer } = require('ws');
const [cert, key, portFile] = process.argv.slice(2);
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
const wss = new WebSocketServer({ server, maxPayload: 64 << 20, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
