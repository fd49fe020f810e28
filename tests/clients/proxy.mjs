// proxy.mjs - a TCP proxy on 127.0.0.1 in front of landfall that drops the client's connection
// the first time the server answers, after the server has already stored the batch: the client
// sees a network error and retries the same batch.
import net from 'node:net';

export async function dropFirstAnswer(target) {
  const { hostname, port } = new URL(target);
  const state = { dropped: 0, connections: 0 };
  const server = net.createServer((client) => {
    state.connections++;
    const upstream = net.connect(Number(port), hostname);
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      if (state.dropped === 0) {
        state.dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}
