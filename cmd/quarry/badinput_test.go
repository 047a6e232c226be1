package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/params"
)

// TestBadInput runs every command with bad arguments and checks the
// documented exit code and that the error names the problem. None of
// these reach a node: the RPC URL is unreachable, which would give exit 1.
func TestBadInput(t *testing.T) {
	t.Parallel()
	ks := t.TempDir()
	e := cliEnv{rpc: unreachableURL(t), keystore: ks, vars: map[string]string{"QUARRY_PASSWORD": "pw"}}
	if got := strings.TrimSpace(e.ok(t, "account", "import", "--private-key-file", writeFile(t, "k", devKey))); got != params.DevAccount().Hex() {
		t.Fatalf("import: %s", got)
	}
	dev := params.DevAccount().Hex()
	other := "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
	badChecksum := "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"
	hash := "0x" + strings.Repeat("ab", 32)
	badAsm := writeFile(t, "bad.qasm", "PUSH1 1\nFROBNICATE\n")
	badKeyJSON := writeFile(t, "bad.json", `{"version":3,"crypto":{}}`)
	sendTo := func(extra ...string) []string {
		return append([]string{"send", "--from", dev, "--to", other}, extra...)
	}
	offline := []string{"--chain-id", "1337", "--nonce", "0"}

	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		// Usage: commands, flags and arity.
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown subcommand", []string{"contract", "frob"}, exitUsage, "unknown command"},
		{"unknown flag", []string{"balance", "--frob", dev}, exitUsage, "not defined"},
		{"flag after arguments", []string{"nonce", dev, "--pending"}, exitUsage, "must come before"},
		{"missing argument", []string{"balance"}, exitUsage, "want arguments ADDR"},
		{"extra argument", []string{"balance", dev, dev}, exitUsage, "want arguments"},
		{"bad rpc url", []string{"--rpc", "localhost:8545", "balance", dev}, exitUsage, "bad endpoint URL"},

		// Addresses.
		{"short address", []string{"balance", "0x123"}, exitUsage, "bad address"},
		{"bad checksum", []string{"balance", badChecksum}, exitUsage, "checksum"},
		{"not hex address", []string{"nonce", "0xzz97970C51812dc3A010C7d01b50e0d17dc79C8"}, exitUsage, "bad address"},
		{"bad --to", []string{"send", "--from", dev, "--to", "bob", "--value", "1"}, exitUsage, "--to: bad address"},
		{"bad --from", []string{"send", "--from", "0x1", "--to", other, "--value", "1"}, exitUsage, "--from: bad address"},
		{"missing --from", []string{"send", "--to", other, "--value", "1"}, exitUsage, "--from is required"},
		{"missing --to", []string{"send", "--from", dev, "--value", "1"}, exitUsage, "--to is required"},
		{"missing --value", sendTo(), exitUsage, "--value is required"},
		{"bad logs address", []string{"logs", "--address", "0x12"}, exitUsage, "bad address"},
		{"bad call address", []string{"contract", "call", "0x12", "f()"}, exitUsage, "bad address"},

		// Amounts.
		{"value bad unit", sendTo("--value", "1bananas"), exitUsage, "unknown unit"},
		{"value negative", sendTo("--value", "-1ether"), exitUsage, "negative"},
		{"value too many decimals", sendTo("--value", "1.5wei"), exitUsage, "more decimals"},
		{"value overflow", sendTo("--value", "200000000000000000000000000000000000000000000000000000000000000ether"), exitUsage, "exceeds 2^256-1"},
		{"value not a number", sendTo("--value", "one"), exitUsage, "not a decimal"},
		{"value exponent", sendTo("--value", "1e18"), exitUsage, "unknown unit"},
		{"gas price bad", sendTo("--value", "1", "--gas-price", "cheap"), exitUsage, "--gas-price"},
		{"gas not a number", sendTo("--value", "1", "--gas", "lots"), exitUsage, "--gas"},
		{"gas zero", sendTo("--value", "1", "--gas", "0"), exitUsage, "positive"},
		{"nonce negative", sendTo("--value", "1", "--nonce", "-1"), exitUsage, "--nonce"},
		{"chain id zero", sendTo("--value", "1", "--chain-id", "0"), exitUsage, "EIP-155"},

		// Hashes, hex and blocks.
		{"tx short hash", []string{"tx", "0x1234"}, exitUsage, "bad hash"},
		{"receipt not hex", []string{"receipt", "0x" + strings.Repeat("zz", 32)}, exitUsage, "bad hash"},
		{"block word", []string{"block", "yesterday"}, exitUsage, "not a block number"},
		{"block bad hash", []string{"block", "0x" + strings.Repeat("g", 64)}, exitUsage, "bad hash"},
		{"balance block hash", []string{"balance", "--block", hash, dev}, exitUsage, "not a hash"},
		{"logs bad topic", []string{"logs", "--topic", "0x1234"}, exitUsage, "bad hash"},
		{"logs bad event", []string{"logs", "--topic", "Transfer(address,uint7)"}, exitUsage, "bad type"},
		{"logs five topics", []string{"logs", "--topic", "", "--topic", "", "--topic", "", "--topic", "", "--topic", ""}, exitUsage, "at most 4"},
		{"logs bad block", []string{"logs", "--from-block", "soon"}, exitUsage, "not a block number"},
		{"tx decode bad hex", []string{"tx", "decode", "0xzz"}, exitUsage, "bad hex"},
		{"tx decode odd hex", []string{"tx", "decode", "0xabc"}, exitUsage, "bad hex"},
		{"tx decode malformed", []string{"tx", "decode", "0xc0"}, exitUsage, "malformed"},
		{"tx decode trailing", []string{"tx", "decode", "0x" + strings.Repeat("00", 3)}, exitUsage, "malformed"},
		{"tx decode type 5", []string{"tx", "decode", "0x05c0"}, exitUsage, "not supported"},
		{"send bad data", sendTo("--value", "1", "--data", "0xabc"), exitUsage, "--data: bad hex"},
		{"disasm bad hex", []string{"contract", "disasm", "0xzz"}, exitUsage, "bad hex"},
		{"disasm missing file", []string{"contract", "disasm", "no-such-file.bin"}, exitUsage, "neither hex nor a readable file"},
		{"mine threads word", []string{"mine", "threads", "many"}, exitUsage, "not a non-negative integer"},

		// Contracts: signatures, arguments, sources.
		{"signature no parens", []string{"contract", "call", other, "balanceOf"}, exitUsage, "no parameter list"},
		{"signature unclosed", []string{"contract", "call", other, "balanceOf(address"}, exitUsage, "no closing parenthesis"},
		{"signature bad type", []string{"contract", "call", other, "f(uint7)"}, exitUsage, "bad type"},
		{"signature bad name", []string{"contract", "call", other, "1f()"}, exitUsage, "not a function name"},
		{"too few call args", []string{"contract", "call", other, "balanceOf(address)"}, exitUsage, "wrong number of arguments"},
		{"bad call arg", []string{"contract", "call", other, "balanceOf(address)", "0x12"}, exitUsage, "bad argument value"},
		{"uint out of range", []string{"contract", "call", other, "f(uint8)", "256"}, exitUsage, "out of range"},
		{"bad returns", []string{"contract", "call", "--returns", "uint7", other, "f()"}, exitUsage, "bad type"},
		{"send bad signature", []string{"contract", "send", "--from", dev, other, "f(", "1"}, exitUsage, "bad function signature"},
		{"deploy bad args", []string{"contract", "deploy", "--from", dev, "--args", "uint256:-1", "0x00"}, exitUsage, "out of range"},
		{"deploy args without type", []string{"contract", "deploy", "--from", dev, "--args", "1000", "0x00"}, exitUsage, "want type:value"},
		{"deploy bad hex", []string{"contract", "deploy", "--from", dev, "0xabc"}, exitUsage, "bad hex"},
		{"asm missing file", []string{"contract", "asm", "missing.qasm"}, exitUsage, "no such file"},
		{"asm syntax error", []string{"contract", "asm", badAsm}, exitUsage, "line 2"},
		{"deploy asm error", []string{"contract", "deploy", "--from", dev, badAsm}, exitUsage, "line 2"},
		{"sign offline data without gas", []string{"sign", "--from", dev, "--data", "0x00", "--chain-id", "1", "--nonce", "0"}, exitUsage, "--gas is required"},
		{"mnemonic words", []string{"account", "mnemonic", "--words", "13"}, exitUsage, "--words"},

		// Wallet.
		{"missing keystore account", append([]string{"sign", "--from", other, "--to", dev}, offline...), exitWallet, "no key for this address"},
		{"wrong password", append([]string{"--password-file", writeFile(t, "pw", "wrong\n"), "sign", "--from", dev, "--to", other}, offline...), exitWallet, "could not decrypt"},
		{"missing password file", append([]string{"--password-file", "/nonexistent/pw", "sign", "--from", dev, "--to", other}, offline...), exitWallet, "password file"},
		{"export missing account", []string{"account", "export", other}, exitWallet, "no key for this address"},
		{"import bad key file", []string{"account", "import", badKeyJSON}, exitWallet, "keystore"},
		{"import bad private key", []string{"account", "import", "--private-key-file", writeFile(t, "k", "0x1234")}, exitWallet, "64 hex digits"},
		{"import zero private key", []string{"account", "import", "--private-key-file", writeFile(t, "k", strings.Repeat("0", 64))}, exitWallet, "valid secp256k1"},
		{"import bad mnemonic", []string{"account", "import", "--mnemonic-file", writeFile(t, "m", "test test test test test test test test test test test test")}, exitWallet, "checksum"},
		{"import unknown word", []string{"account", "import", "--mnemonic-file", writeFile(t, "m", "test test test test test test test test test test test quarrry")}, exitWallet, "not in the BIP-39"},

		// Node.
		{"unreachable node", []string{"balance", dev}, exitNode, "unreachable"},
		{"unreachable node on send", sendTo("--value", "1"), exitNode, "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e.fail(t, tt.code, tt.want, tt.args...)
		})
	}
}

// TestNoPassword: without a password file, QUARRY_PASSWORD or a terminal
// the wallet refuses rather than using an empty password.
func TestNoPassword(t *testing.T) {
	t.Parallel()
	e := cliEnv{keystore: t.TempDir()}
	e.fail(t, exitWallet, "no password", "account", "new")
}

// TestPasswordPrompt: on a terminal the password is asked for (twice for
// a new one) and mismatches are refused.
func TestPasswordPrompt(t *testing.T) {
	t.Parallel()
	answers := func(list ...string) func(string) (string, error) {
		return func(string) (string, error) {
			a := list[0]
			list = list[1:]
			return a, nil
		}
	}
	ks := t.TempDir()
	runWith := func(read func(string) (string, error), args ...string) (int, string) {
		var out, errb strings.Builder
		code := run(append([]string{"quarry", "--lightkdf", "--keystore", ks}, args...), env{
			stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
			getenv: func(string) string { return "" }, readPassword: read,
		})
		return code, out.String() + errb.String()
	}
	if code, out := runWith(answers("a", "b"), "account", "new"); code != exitWallet || !strings.Contains(out, "do not match") {
		t.Fatalf("mismatch: exit %d: %s", code, out)
	}
	code, out := runWith(answers("secret", "secret"), "account", "new")
	if code != 0 {
		t.Fatalf("new: exit %d: %s", code, out)
	}
	addr := strings.TrimSpace(out)
	if code, out := runWith(answers("secret"), "account", "export", addr); code != 0 || !strings.Contains(out, `"version":3`) {
		t.Fatalf("export: exit %d: %s", code, out)
	}
	// The key file is private to its owner.
	entries, _ := os.ReadDir(ks)
	for _, en := range entries {
		info, _ := en.Info()
		if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", en.Name(), info.Mode().Perm())
		}
	}
}

func TestExitCodeKinds(t *testing.T) {
	t.Parallel()
	codes := map[int]bool{}
	for _, c := range []int{exitOK, exitNode, exitUsage, exitWallet, exitTxFailed} {
		if codes[c] {
			t.Fatalf("exit code %d used twice", c)
		}
		codes[c] = true
	}
	if exitCode(nil) != exitOK {
		t.Fatal("nil error is not exit 0")
	}
}

// TestBinarySmoke builds the real binary once and runs an offline
// command, checking the exit code reaches the shell.
func TestBinarySmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "quarry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "contract", "disasm", "0x600160020100").Output()
	if err != nil || !strings.Contains(string(out), "0004: ADD") {
		t.Fatalf("disasm: %v: %s", err, out)
	}
	err = exec.Command(bin, "balance", "0x123").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage {
		t.Fatalf("bad address: %v, want exit %d", err, exitUsage)
	}
}
