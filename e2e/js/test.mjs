// End-to-end test of a Quarry node with ethers v6, run by ../ethers_test.go:
//
//   node test.mjs <rpc-url> <private-key> <token-creation-code-hex> [chain-id]
//
// It uses ethers and nothing else (besides Node's built-ins), exactly as a
// dapp would: read the chain, send transfers of every transaction type and
// wait for their receipts, deploy the example token with a ContractFactory,
// drive it through a standard ERC-20 ABI, decode its Transfer event, see a
// revert reason, and follow new blocks and events over a WebSocket. Each
// step prints one line; the first failure prints what went wrong and exits
// with status 1.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ethers } from "ethers";

const [rpcURL, privateKey, creationCode, chainIDArg] = process.argv.slice(2);
if (!rpcURL || !privateKey || !creationCode) {
  console.error("usage: node test.mjs <rpc-url> <private-key> <token-creation-code-hex> [chain-id]");
  process.exit(2);
}
const wsURL = rpcURL.replace(/^http/, "ws");
const wantChainID = BigInt(chainIDArg ?? 1337); // the dev chain's id

// The token's own ABI, as the contracts package ships it, deploys it; a
// standard ERC-20 ABI, which knows nothing of Quarry, then talks to it.
const tokenABI = JSON.parse(readFileSync(new URL("../../contracts/token.abi.json", import.meta.url), "utf8"));
const erc20ABI = [
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address owner) view returns (uint256)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
];

const WAIT_MS = 30_000; // per receipt or event: ~30 one-second blocks
const TOTAL_MS = 120_000; // the whole script

// Everything the script opened, closed at the end so node exits promptly.
const providers = [];

// step runs one named check and prints how long it took.
async function step(name, fn) {
  const t0 = Date.now();
  try {
    const v = await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    return v;
  } catch (err) {
    err.step = name;
    throw err;
  }
}

// within rejects if p has not settled within ms.
function within(ms, what, p) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// mined waits for tx's receipt and checks it succeeded.
async function mined(tx, what) {
  const receipt = await within(WAIT_MS, `the receipt of ${what}`, tx.wait(1));
  assert.ok(receipt, `${what}: no receipt`);
  assert.equal(receipt.status, 1, `${what}: receipt status`);
  assert.equal(receipt.hash, tx.hash, `${what}: receipt hash`);
  return receipt;
}

const isHash = (h) => /^0x[0-9a-f]{64}$/.test(h);

async function main() {
  // cacheTimeout -1: ethers otherwise answers a repeated request (say
  // getBalance before and after a transfer) from a 250 ms cache, and dev
  // blocks come faster than that.
  const provider = new ethers.JsonRpcProvider(rpcURL, undefined, { pollingInterval: 250, cacheTimeout: -1 });
  providers.push(provider);
  const wallet = new ethers.Wallet(privateKey, provider);
  const me = wallet.address;

  // ---- reading the chain ----
  await step("getNetwork chainId", async () => {
    const net = await provider.getNetwork();
    assert.equal(net.chainId, wantChainID, "chainId");
  });
  const head = await step("getBlockNumber", async () => {
    const n = await within(WAIT_MS, "the first block", (async () => {
      for (;;) {
        const n = await provider.getBlockNumber();
        if (n >= 1) return n;
        await new Promise((r) => setTimeout(r, 200));
      }
    })());
    assert.equal(typeof n, "number");
    return n;
  });
  await step("getBlock latest, parent and genesis parse", async () => {
    const b = await provider.getBlock("latest");
    assert.ok(b, "no latest block");
    assert.ok(b.number >= head, `latest ${b.number} < blockNumber ${head}`);
    assert.ok(isHash(b.hash) && isHash(b.parentHash), "hash / parentHash");
    const now = Date.now() / 1000;
    assert.ok(Math.abs(b.timestamp - now) < 120, `timestamp ${b.timestamp} is not in seconds near ${now}`);
    assert.ok(ethers.isAddress(b.miner), "miner");
    assert.ok(b.difficulty > 0n, "difficulty");
    assert.ok(b.gasLimit > 0n && b.gasUsed <= b.gasLimit, "gasLimit / gasUsed");
    assert.match(b.nonce, /^0x[0-9a-f]{16}$/, "nonce");
    assert.ok(Array.isArray(b.transactions), "transactions");
    assert.ok(ethers.isHexString(b.extraData), "extraData");
    const parent = await provider.getBlock(b.parentHash);
    assert.equal(parent.number, b.number - 1, "parent by hash");
    assert.ok(parent.timestamp <= b.timestamp, "parent time");
    const genesis = await provider.getBlock(0);
    // Quarry's genesis has no parent block: its parent field carries the
    // hash of the chain's consensus parameters (see chain/params).
    assert.ok(ethers.isHexString(genesis.parentHash, 32), "genesis parentHash");
    assert.equal(await provider.getBlock(genesis.parentHash), null, "genesis has no parent block");
    assert.equal(genesis.number, 0);
    for (const tag of ["pending", "safe", "finalized", "earliest"]) {
      const t = await provider.getBlock(tag);
      assert.ok(t && typeof t.number === "number", `getBlock("${tag}")`);
    }
  });
  const funded = await step("getBalance", async () => {
    const bal = await provider.getBalance(me);
    assert.ok(bal > ethers.parseEther("1000"), `dev account balance ${bal}`);
    return bal;
  });
  await step("getTransactionCount, getFeeData", async () => {
    assert.equal(typeof (await provider.getTransactionCount(me, "pending")), "number");
    const fee = await provider.getFeeData();
    assert.ok(fee.gasPrice > 0n, "gasPrice");
  });

  // ---- transfers of each type ----
  // sendAndCheck sends a plain transfer to a fresh address and checks the
  // receipt and both balances to the wei: the recipient gets value, the
  // sender pays value plus exactly gasUsed * effective gas price.
  async function sendAndCheck(what, fields, wantType) {
    const to = ethers.Wallet.createRandom().address;
    const value = 123_456_789n;
    const before = await provider.getBalance(me);
    const tx = await wallet.sendTransaction({ to, value, ...fields });
    if (wantType !== undefined) assert.equal(tx.type, wantType, `${what}: sent type`);
    const r = await mined(tx, what);
    assert.equal(r.gasUsed, 21000n, `${what}: gasUsed`);
    assert.equal(r.to, to, `${what}: receipt to`);
    assert.equal(r.from, me, `${what}: receipt from`);
    assert.equal(await provider.getBalance(to), value, `${what}: recipient balance`);
    const after = await provider.getBalance(me);
    assert.equal(before - after, value + r.gasUsed * r.gasPrice, `${what}: sender paid`);
    const got = await provider.getTransaction(tx.hash);
    assert.equal(got.blockHash, r.blockHash, `${what}: getTransaction blockHash`);
    assert.equal(got.from, me, `${what}: getTransaction from`);
    assert.equal(got.type, tx.type, `${what}: getTransaction type`);
    const block = await provider.getBlock(r.blockNumber, true);
    assert.ok(block.prefetchedTransactions.some((t) => t.hash === tx.hash), `${what}: not in its block`);
    return tx.type;
  }
  await step("legacy transfer (type 0), receipt, exact balances", () => sendAndCheck("legacy transfer", { type: 0 }, 0));
  const chosenType = await step("transfer with the type ethers chooses", () => sendAndCheck("default transfer", {}));
  console.log(`     (ethers chose transaction type ${chosenType})`);
  await step("EIP-2930 transfer (type 1)", () => sendAndCheck("type 1 transfer", { type: 1, accessList: [] }, 1));
  await step("EIP-1559 transfer (type 2)", async () => {
    const tip = BigInt(await provider.send("eth_maxPriorityFeePerGas", []));
    return sendAndCheck("type 2 transfer", { type: 2, maxPriorityFeePerGas: tip, maxFeePerGas: 2n * tip }, 2);
  });

  // ---- the token ----
  const supply = ethers.parseUnits("1000000", 18);
  const token = await step("deploy the token with ContractFactory", async () => {
    const nonce = await provider.getTransactionCount(me, "pending");
    const factory = new ethers.ContractFactory(tokenABI, creationCode, wallet);
    const c = await factory.deploy(supply);
    const r = await mined(c.deploymentTransaction(), "the deployment");
    await within(WAIT_MS, "the deployment", c.waitForDeployment());
    const addr = await c.getAddress();
    assert.equal(addr, ethers.getCreateAddress({ from: me, nonce }), "contract address");
    assert.equal(r.contractAddress, addr, "receipt contractAddress");
    assert.notEqual(await provider.getCode(addr), "0x", "no code at the contract address");
    return new ethers.Contract(addr, erc20ABI, wallet);
  });
  const tokenAddr = await token.getAddress();
  await step("ERC-20 views: name, symbol, decimals, totalSupply, balanceOf", async () => {
    assert.equal(await token.name(), "Quarry Token");
    assert.equal(await token.symbol(), "QRY");
    assert.equal(await token.decimals(), 18n);
    assert.equal(await token.totalSupply(), supply);
    assert.equal(await token.balanceOf(me), supply);
  });

  const ws = new ethers.WebSocketProvider(wsURL);
  providers.push(ws);
  const bob = ethers.Wallet.createRandom().address;
  const amount = ethers.parseUnits("1234.5", 18);
  await step("transfer(), Transfer event decoded from the receipt, over eth_getLogs and over eth_subscribe", async () => {
    // Follow Transfer events to bob over the WebSocket before sending.
    const wsToken = new ethers.Contract(tokenAddr, erc20ABI, ws);
    // ...and over HTTP, where ethers polls eth_newFilter/eth_getFilterChanges.
    const polled = new Promise((resolve) => {
      token.on(token.filters.Transfer(null, bob), (...args) => resolve(args.at(-1)));
    });
    const seen = new Promise((resolve) => {
      // With a topic filter ethers passes only the ContractEventPayload.
      wsToken.on(wsToken.filters.Transfer(null, bob), (...args) => resolve(args.at(-1)));
    });
    const tx = await token.transfer(bob, amount);
    const r = await mined(tx, "transfer()");
    assert.equal(r.logs.length, 1, "one log");
    const log = r.logs[0];
    assert.equal(log.address, tokenAddr, "log address");
    assert.equal(log.topics[0], ethers.id("Transfer(address,address,uint256)"), "topic 0");
    const ev = token.interface.parseLog(log);
    assert.equal(ev.name, "Transfer");
    assert.equal(ev.args.from, me, "Transfer.from");
    assert.equal(ev.args.to, bob, "Transfer.to");
    assert.equal(ev.args.value, amount, "Transfer.value");
    assert.equal(log.args.value, amount, "ContractTransactionReceipt log args");
    assert.equal(await token.balanceOf(bob), amount, "bob's balance");
    assert.equal(await token.balanceOf(me), supply - amount, "sender's balance");

    const logs = await token.queryFilter(token.filters.Transfer(me), r.blockNumber, r.blockNumber);
    assert.equal(logs.length, 1, "eth_getLogs: one Transfer");
    assert.equal(logs[0].transactionHash, tx.hash, "eth_getLogs: transaction");
    assert.equal(logs[0].args.value, amount, "eth_getLogs: value");

    const got = await within(WAIT_MS, "the Transfer event over the WebSocket", seen);
    assert.equal(got.args.from, me, "subscribed Transfer.from");
    assert.equal(got.args.to, bob, "subscribed Transfer.to");
    assert.equal(got.args.value, amount, "subscribed Transfer.value");
    assert.equal(got.log.transactionHash, tx.hash, "subscribed Transfer transaction");
    assert.equal(got.log.removed, false, "subscribed Transfer removed");
    await wsToken.removeAllListeners();
    const viaFilter = await within(WAIT_MS, "the Transfer event through an HTTP filter", polled);
    assert.equal(viaFilter.log.transactionHash, tx.hash, "filtered Transfer transaction");
    assert.equal(viaFilter.args.value, amount, "filtered Transfer.value");
    await token.removeAllListeners();
  });

  await step('transfer beyond balance reverts with "insufficient balance"', async () => {
    const tooMuch = supply + 1n;
    for (const [how, run] of [
      ["estimateGas", () => token.transfer.estimateGas(bob, tooMuch)],
      ["staticCall", () => token.transfer.staticCall(bob, tooMuch)],
      ["sendTransaction", () => token.transfer(bob, tooMuch)],
    ]) {
      await assert.rejects(run, (err) => {
        assert.equal(err.code, "CALL_EXCEPTION", `${how}: code (${err.shortMessage})`);
        assert.equal(err.reason, "insufficient balance", `${how}: reason (${err.shortMessage})`);
        assert.equal(err.revert?.name, "Error", `${how}: revert`);
        return true;
      }, `${how} did not throw`);
    }
  });

  await step("a reverting transaction is mined with status 0", async () => {
    // An explicit gas limit skips estimateGas, so the node mines it.
    const tx = await token.transfer(bob, supply + 1n, { gasLimit: 200_000n });
    const err = await within(WAIT_MS, "the reverted receipt", tx.wait(1).then(() => null, (e) => e));
    assert.ok(err, "wait() resolved for a reverted transaction");
    assert.equal(err.code, "CALL_EXCEPTION", `wait(): ${err.shortMessage}`);
    assert.equal(err.receipt?.status, 0, "receipt status");
    assert.equal(await token.balanceOf(me), supply - amount, "balance after the revert");
  });

  await step("geth's error messages map to ethers' codes", async () => {
    const to = ethers.Wallet.createRandom().address;
    await assert.rejects(wallet.sendTransaction({ to, value: 1n, nonce: 0 }), (err) => {
      assert.equal(err.code, "NONCE_EXPIRED", `nonce 0: ${err.shortMessage}`);
      return true;
    });
    const pauper = ethers.Wallet.createRandom().connect(provider);
    await assert.rejects(pauper.sendTransaction({ to, value: 1n, gasLimit: 21000n }), (err) => {
      assert.equal(err.code, "INSUFFICIENT_FUNDS", `empty account: ${err.shortMessage}`);
      return true;
    });
  });

  await step('WebSocketProvider "block" events', async () => {
    const start = await ws.getBlockNumber();
    const blocks = [];
    await within(WAIT_MS, "two new blocks over the WebSocket", new Promise((resolve) => {
      ws.on("block", (n) => {
        blocks.push(n);
        if (blocks.length >= 2) resolve();
      });
    }));
    await ws.removeAllListeners("block");
    assert.ok(blocks[0] >= start, `first block ${blocks[0]} < ${start}`);
    assert.ok(blocks[1] > blocks[0], `blocks not increasing: ${blocks}`);
  });

  const spent = funded - (await provider.getBalance(me));
  console.log(`     (spent ${ethers.formatEther(spent)} in fees and transfers; ethers ${ethers.version})`);
}

const deadline = setTimeout(() => {
  console.error(`FAIL: the script took more than ${TOTAL_MS} ms`);
  process.exit(1);
}, TOTAL_MS);
deadline.unref();

try {
  await main();
  console.log("PASS");
  process.exitCode = 0;
} catch (err) {
  // Assertion messages can hold whole object dumps: keep the report short.
  const clip = (s) => (s.length > 3000 ? `${s.slice(0, 3000)}...` : s);
  console.error(`FAIL${err.step ? ` in step "${err.step}"` : ""}: ${clip(String(err.shortMessage ?? err.message))}`);
  if (err.code) console.error(`  code: ${err.code}`);
  if (err.info) console.error(`  info: ${clip(JSON.stringify(err.info, (_, v) => (typeof v === "bigint" ? v.toString() : v)))}`);
  const frames = String(err.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at "));
  if (frames.length) console.error(frames.slice(0, 8).join("\n"));
  process.exitCode = 1;
} finally {
  for (const p of providers) {
    try {
      await p.destroy();
    } catch {
      // already closed
    }
  }
  process.exit(process.exitCode);
}
