// Preloaded into Portkey's gateway (node --require) by build/bench/compare.sh --portkey: its server listens
// on every interface (@hono/node-server's serve() without a hostname); this makes a listen on a port
// alone listen on 127.0.0.1, so the benchmark opens nothing beyond loopback.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    if (args[1] === undefined) args[1] = '127.0.0.1';
    else args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
