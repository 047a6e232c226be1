package params

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

const examplePath = "testdata/genesis_example.json"

func readExample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustAddress(t testing.TB, s string) types.Address {
	t.Helper()
	a, err := types.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func amount(t testing.TB, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 0)
	if !ok {
		t.Fatalf("bad amount %q", s)
	}
	return v
}

// equalAmount compares amounts, nil being zero.
func equalAmount(a, b *big.Int) bool {
	if a == nil {
		a = new(big.Int)
	}
	if b == nil {
		b = new(big.Int)
	}
	return a.Cmp(b) == 0
}

// equalGenesis compares two genesis values by meaning: big.Int by value (its
// internal slices differ between equal numbers), nil and empty alike.
func equalGenesis(a, b *Genesis) bool {
	if a.ChainID != b.ChainID || a.Timestamp != b.Timestamp || a.TargetBlockTimeMs != b.TargetBlockTimeMs ||
		a.ASERTHalfLifeMs != b.ASERTHalfLifeMs || a.InitialBits != b.InitialBits || a.PowLimitBits != b.PowLimitBits ||
		!equalAmount(a.Reward.Initial, b.Reward.Initial) || a.Reward.HalvingInterval != b.Reward.HalvingInterval ||
		a.GasLimit != b.GasLimit || a.MaxBlockBytes != b.MaxBlockBytes || a.MaxDriftMs != b.MaxDriftMs ||
		!bytes.Equal(a.ExtraData, b.ExtraData) || len(a.Alloc) != len(b.Alloc) {
		return false
	}
	for i := range a.Alloc {
		x, y := &a.Alloc[i], &b.Alloc[i]
		if x.Address != y.Address || !equalAmount(x.Balance, y.Balance) || x.Nonce != y.Nonce ||
			!bytes.Equal(x.Code, y.Code) || len(x.Storage) != len(y.Storage) {
			return false
		}
		for j := range x.Storage {
			if x.Storage[j] != y.Storage[j] {
				return false
			}
		}
	}
	return true
}

// TestParseGenesisExample checks every field of the example file.
func TestParseGenesisExample(t *testing.T) {
	t.Parallel()
	g, err := LoadGenesis(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	want := &Genesis{
		ChainID:           7331,
		Timestamp:         1735689600000,
		TargetBlockTimeMs: 10000,
		ASERTHalfLifeMs:   3600000,
		InitialBits:       0x1e0fffff,
		PowLimitBits:      0x1f00ffff,
		Reward:            Reward{Initial: amount(t, "5000000000000000000"), HalvingInterval: 2100000},
		GasLimit:          30000000,
		MaxBlockBytes:     4194304,
		MaxDriftMs:        15000,
		ExtraData:         []byte("quarry"),
		Alloc: []GenesisAccount{ // sorted by address
			{
				Address: mustAddress(t, "0x00000000000000000000000000000000000000aa"),
				Code:    []byte{0x60, 0x01, 0x60, 0x00, 0x55, 0x00},
				Storage: []StorageEntry{
					{Key: types.Hash{}, Value: types.BytesToHash([]byte{0x2a})},
					{Key: types.BytesToHash([]byte{1}), Value: types.BytesToHash([]byte{1})},
				},
			},
			{
				Address: mustAddress(t, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
				Balance: amount(t, "1000000000000000000000"),
				Nonce:   1,
			},
			{
				Address: mustAddress(t, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
				Balance: amount(t, "1000000000000000000000000"),
			},
		},
	}
	if !equalGenesis(g, want) {
		t.Fatalf("parsed\n%+v\nwant\n%+v", g, want)
	}
	cfg := g.Config()
	if cfg.ChainID != 7331 || cfg.GenesisTime != g.Timestamp || cfg.TargetBlockTime != 10000 ||
		cfg.ASERTHalfLife != 3600000 || cfg.InitialBits != 0x1e0fffff || cfg.PowLimitBits != 0x1f00ffff ||
		cfg.GasLimit != 30000000 || cfg.MaxBlockBytes != 4194304 || cfg.MaxDrift != 15000 || cfg.HalvingInterval != 2100000 {
		t.Fatalf("config %+v does not match the genesis", cfg)
	}
	if got, want := cfg.PowLimit(), new(big.Int).Lsh(big.NewInt(0xffff), 224); got.Cmp(want) != 0 {
		t.Fatalf("PowLimit = %x, want %x", got, want)
	}
}

// TestParseGenesisErrors changes one thing of the example file per row and
// expects the error to name that field and have the right kind.
func TestParseGenesisErrors(t *testing.T) {
	t.Parallel()
	example := string(readExample(t))
	// replace swaps one exact substring of the example, failing loudly if it
	// is not there, so a row cannot silently test the unchanged file.
	replace := func(old, new string) string {
		if strings.Count(example, old) != 1 {
			t.Fatalf("row edit %q does not match exactly once", old)
		}
		return strings.Replace(example, old, new, 1)
	}
	tests := []struct {
		name  string
		input string
		field string
		kind  error
	}{
		{"empty input", "", "", ErrSyntax},
		{"not an object", "[]", "", ErrSyntax},
		{"null", "null", "", ErrSyntax},
		{"truncated", example[:len(example)/2], "alloc", ErrSyntax},
		{"trailing data", example + "{}", "", ErrSyntax},
		{"unknown field", replace(`"chainId": 7331,`, `"chainId": 7331, "difficulty": 1,`), "difficulty", ErrUnknownField},
		{"wrong case", replace(`"chainId"`, `"chainID"`), "chainID", ErrUnknownField},
		{"duplicate field", replace(`"chainId": 7331,`, `"chainId": 7331, "chainId": 7332,`), "chainId", ErrDuplicateField},
		{"duplicate via escape", replace(`"chainId": 7331,`, `"chainId": 7331, "chain\u0049d": 7332,`), "chainId", ErrDuplicateField},
		{"missing chainId", replace(`"chainId": 7331,`, ``), "chainId", ErrMissingField},
		{"missing timestamp", replace(`"timestamp": 1735689600000,`, ``), "timestamp", ErrMissingField},
		{"missing reward", replace(`"reward": {
    "initial": "5000000000000000000",
    "halvingInterval": 2100000
  },`, ``), "reward", ErrMissingField},
		{"missing halvingInterval", replace(`,
    "halvingInterval": 2100000`, ``), "reward.halvingInterval", ErrMissingField},
		{"chainId zero", replace(`"chainId": 7331`, `"chainId": 0`), "chainId", ErrBadValue},
		{"chainId too big for JS wallets", replace(`"chainId": 7331`, `"chainId": 4503599627370478`), "chainId", ErrBadValue},
		{"chainId negative", replace(`"chainId": 7331`, `"chainId": -1`), "chainId", ErrBadValue},
		{"chainId fraction", replace(`"chainId": 7331`, `"chainId": 7331.5`), "chainId", ErrBadValue},
		{"chainId exponent", replace(`"chainId": 7331`, `"chainId": 7e3`), "chainId", ErrBadValue},
		{"chainId string", replace(`"chainId": 7331`, `"chainId": "7331"`), "chainId", ErrSyntax},
		{"chainId null", replace(`"chainId": 7331`, `"chainId": null`), "chainId", ErrSyntax},
		{"gasLimit above 2^64", replace(`"gasLimit": 30000000`, `"gasLimit": 18446744073709551616`), "gasLimit", ErrBadValue},
		{"gasLimit below a transfer", replace(`"gasLimit": 30000000`, `"gasLimit": 20999`), "gasLimit", ErrBadValue},
		{"timestamp beyond int64", replace(`"timestamp": 1735689600000`, `"timestamp": 9223372036854775808`), "timestamp", ErrBadValue},
		{"target block time zero", replace(`"targetBlockTimeMs": 10000`, `"targetBlockTimeMs": 0`), "targetBlockTimeMs", ErrBadValue},
		{"target block time over a day", replace(`"targetBlockTimeMs": 10000`, `"targetBlockTimeMs": 86400001`), "targetBlockTimeMs", ErrBadValue},
		{"half-life below block time", replace(`"asertHalfLifeMs": 3600000`, `"asertHalfLifeMs": 9999`), "asertHalfLifeMs", ErrBadValue},
		{"bits without 0x", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "1e0fffff"`), "initialBits", ErrBadValue},
		{"bits short", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0xfffff"`), "initialBits", ErrBadValue},
		{"bits not hex", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0x1e0ffffg"`), "initialBits", ErrBadValue},
		{"bits number", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": 504365055`), "initialBits", ErrSyntax},
		{"bits zero target", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0x1e000000"`), "initialBits", ErrBadValue},
		{"bits negative", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0x1e8fffff"`), "initialBits", ErrBadValue},
		{"bits not canonical", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0x1f000fff"`), "initialBits", ErrBadValue},
		{"initial easier than limit", replace(`"initialBits": "0x1e0fffff"`, `"initialBits": "0x1f0fffff"`), "initialBits", ErrBadValue},
		{"pow limit overflows", replace(`"powLimitBits": "0x1f00ffff"`, `"powLimitBits": "0x2200ffff"`), "powLimitBits", ErrBadValue},
		{"reward negative", replace(`"initial": "5000000000000000000"`, `"initial": "-5"`), "reward.initial", ErrBadValue},
		{"reward number", replace(`"initial": "5000000000000000000"`, `"initial": 5`), "reward.initial", ErrSyntax},
		{"reward 2^256", replace(`"initial": "5000000000000000000"`, `"initial": "115792089237316195423570985008687907853269984665640564039457584007913129639936"`), "reward.initial", ErrBadValue},
		{"reward bad hex", replace(`"initial": "5000000000000000000"`, `"initial": "0x"`), "reward.initial", ErrBadValue},
		{"reward unknown field", replace(`"halvingInterval": 2100000`, `"halvingInterval": 2100000, "decay": 1`), "reward.decay", ErrUnknownField},
		{"maxBlockBytes too small", replace(`"maxBlockBytes": 4194304`, `"maxBlockBytes": 1023`), "maxBlockBytes", ErrBadValue},
		{"maxDrift zero", replace(`"maxDriftMs": 15000`, `"maxDriftMs": 0`), "maxDriftMs", ErrBadValue},
		{"extraData too long", replace(`"extraData": "0x717561727279"`, `"extraData": "0x`+strings.Repeat("ab", 17)+`"`), "extraData", ErrBadValue},
		{"extraData odd hex", replace(`"extraData": "0x717561727279"`, `"extraData": "0x7175617"`), "extraData", ErrBadValue},
		{"alloc bad address", replace(`"0x70997970c51812dc3a010c7d01b50e0d17dc79c8"`, `"0x70997970c51812dc3a010c7d01b50e0d17dc79"`), "alloc[0x70997970c51812dc3a010c7d01b50e0d17dc79]", ErrBadValue},
		{"alloc bad checksum", replace(`"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"`, `"0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"`), "alloc[0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266]", types.ErrBadChecksum},
		{"alloc same address twice", replace(`"0x00000000000000000000000000000000000000aa": {`, `"0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266": {"balance": "1"}, "0x00000000000000000000000000000000000000aa": {`), "alloc[0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266]", ErrDuplicateField},
		{"alloc unknown field", replace(`"nonce": 1`, `"nonce": 1, "codeHash": "0x00"`), "alloc[0x70997970c51812dc3a010c7d01b50e0d17dc79c8].codeHash", ErrUnknownField},
		{"alloc balance number", replace(`"balance": "0x3635c9adc5dea00000"`, `"balance": 1000`), "alloc[0x70997970c51812dc3a010c7d01b50e0d17dc79c8].balance", ErrSyntax},
		{"alloc balance decimal with sign", replace(`"balance": "0x3635c9adc5dea00000"`, `"balance": "+1000"`), "alloc[0x70997970c51812dc3a010c7d01b50e0d17dc79c8].balance", ErrBadValue},
		{"alloc nonce max", replace(`"nonce": 1`, `"nonce": 18446744073709551615`), "alloc[0x70997970C51812dc3A010C7d01b50e0d17dc79C8].nonce", ErrBadValue},
		{"alloc empty account", replace(`"balance": "1000000000000000000000000"`, ``), "alloc[0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266]", ErrBadValue},
		{"alloc code without 0x", replace(`"code": "0x600160005500"`, `"code": "600160005500"`), "alloc[0x00000000000000000000000000000000000000aa].code", ErrBadValue},
		{"storage zero value", replace(`"0x0": "0x2a"`, `"0x0": "0x00"`), "alloc[0x00000000000000000000000000000000000000AA].storage[0x0000000000000000000000000000000000000000000000000000000000000000]", ErrBadValue},
		{"storage same slot twice", replace(`"0x0": "0x2a"`, `"0x0": "0x2a", "0x00": "0x2b"`), "alloc[0x00000000000000000000000000000000000000aa].storage[0x0000000000000000000000000000000000000000000000000000000000000000]", ErrDuplicateField},
		{"storage slot too long", replace(`"0x0": "0x2a"`, `"0x`+strings.Repeat("1", 65)+`": "0x2a"`), "alloc[0x00000000000000000000000000000000000000aa].storage[0x" + strings.Repeat("1", 65) + "]", ErrBadValue},
		{"storage value not a string", replace(`"0x0": "0x2a"`, `"0x0": 42`), "alloc[0x00000000000000000000000000000000000000aa].storage[0x0]", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := ParseGenesis([]byte(tt.input))
			if err == nil {
				t.Fatalf("accepted: %+v", g)
			}
			if !errors.Is(err, ErrInvalidGenesis) {
				t.Fatalf("err %v does not match ErrInvalidGenesis", err)
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want kind %v", err, tt.kind)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v is not a *FieldError", err)
			}
			if fe.Field != tt.field {
				t.Fatalf("field %q, want %q (err %v)", fe.Field, tt.field, err)
			}
		})
	}
}

// TestErrorKindsMatchOnlyThemselves: each kind is its own error.
func TestErrorKindsMatchOnlyThemselves(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrSyntax, ErrUnknownField, ErrDuplicateField, ErrMissingField, ErrBadValue}
	for i, k := range kinds {
		err := fieldErr("f", k, "detail")
		for j, other := range kinds {
			if got := errors.Is(err, other); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", err, other, got)
			}
		}
		if !errors.Is(err, ErrInvalidGenesis) {
			t.Errorf("%v does not match ErrInvalidGenesis", err)
		}
	}
}

// TestParseGenesisDefaults: optional fields take their documented defaults.
func TestParseGenesisDefaults(t *testing.T) {
	t.Parallel()
	const minimal = `{"chainId": 1, "timestamp": 0, "targetBlockTimeMs": 1, "asertHalfLifeMs": 1,
		"initialBits": "0x207fffff", "powLimitBits": "0x207fffff",
		"reward": {"initial": "0", "halvingInterval": 0}, "gasLimit": 21000, "maxBlockBytes": 1024}`
	g, err := ParseGenesis([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if g.MaxDriftMs != DefaultMaxDriftMs || g.ExtraData != nil || g.Alloc != nil {
		t.Fatalf("defaults: maxDrift %d, extra %x, alloc %v", g.MaxDriftMs, g.ExtraData, g.Alloc)
	}
}

// TestGenesisJSONRoundTrip: MarshalJSON then ParseGenesis gives an equal
// Genesis, and marshalling is deterministic.
func TestGenesisJSONRoundTrip(t *testing.T) {
	t.Parallel()
	example, err := ParseGenesis(readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*Genesis{"example": example, "dev": DevGenesis(1_700_000_000_000)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := g.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			again, err := g.MarshalJSON()
			if err != nil || !bytes.Equal(data, again) {
				t.Fatalf("MarshalJSON not deterministic (%v)", err)
			}
			back, err := ParseGenesis(data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if !equalGenesis(back, g) {
				t.Fatalf("round trip changed the genesis:\n%+v\n%+v", back, g)
			}
		})
	}
}

// TestGenesisHeader checks the genesis header's fields and that the same
// file always derives the same hash. The golden hash pins the derivation:
// changing it changes every network's identity.
func TestGenesisHeader(t *testing.T) {
	t.Parallel()
	stateRoot := types.Hash{0x01, 0x02}
	var hashes []types.Hash
	for range 2 {
		g, err := ParseGenesis(readExample(t))
		if err != nil {
			t.Fatal(err)
		}
		h := g.Header(stateRoot)
		empty := types.MerkleRoot(nil)
		var extra [types.HeaderExtraSize]byte
		copy(extra[:], "quarry")
		want := types.Header{
			Version: types.HeaderVersion, ParentHash: g.ParamsHash(), TxRoot: empty, ReceiptsRoot: empty,
			StateRoot: stateRoot, GasLimit: 30000000, Extra: extra, Time: 1735689600000, Bits: 0x1e0fffff,
		}
		if *h != want {
			t.Fatalf("header %+v, want %+v", h, want)
		}
		hashes = append(hashes, h.Hash())
	}
	if hashes[0] != hashes[1] {
		t.Fatalf("same genesis, different hashes %v %v", hashes[0], hashes[1])
	}
	const golden = "0x5b876c944558580faa1aa0fa55ae3901e2d253770b28496e9766f9765e9f4f36"
	if got := hashes[0].Hex(); got != golden {
		t.Fatalf("genesis hash %s, golden %s", got, golden)
	}
	g, _ := ParseGenesis(readExample(t))
	if g.Header(types.Hash{0x03}).Hash() == hashes[0] {
		t.Fatal("the state root does not affect the genesis hash")
	}
}

// TestGenesisHashCommitsToEveryParameter: two genesis files that would
// validate blocks differently must name different networks.
func TestGenesisHashCommitsToEveryParameter(t *testing.T) {
	t.Parallel()
	base := DevGenesis(1_767_225_600_000)
	root := types.Hash{0x01}
	baseHash := base.Header(root).Hash()
	tests := []struct {
		name   string
		change func(g *Genesis)
	}{
		{"chain id", func(g *Genesis) { g.ChainID++ }},
		{"timestamp", func(g *Genesis) { g.Timestamp++ }},
		{"target block time", func(g *Genesis) { g.TargetBlockTimeMs++ }},
		{"half-life", func(g *Genesis) { g.ASERTHalfLifeMs++ }},
		{"initial bits", func(g *Genesis) { g.InitialBits-- }},
		{"pow limit", func(g *Genesis) { g.PowLimitBits-- }},
		{"reward", func(g *Genesis) { g.Reward.Initial = new(big.Int).Add(g.Reward.Initial, big.NewInt(1)) }},
		{"halving interval", func(g *Genesis) { g.Reward.HalvingInterval++ }},
		{"gas limit", func(g *Genesis) { g.GasLimit++ }},
		{"max block bytes", func(g *Genesis) { g.MaxBlockBytes++ }},
		{"max drift", func(g *Genesis) { g.MaxDriftMs++ }},
		{"extra data", func(g *Genesis) { g.ExtraData = []byte("other") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := DevGenesis(1_767_225_600_000)
			tc.change(g)
			if g.Header(root).Hash() == baseHash {
				t.Fatalf("changing the %s leaves the genesis hash unchanged", tc.name)
			}
		})
	}
}

func TestSubsidy(t *testing.T) {
	t.Parallel()
	coin := amount(t, "1000000000000000000")
	withInterval := func(initial *big.Int, interval uint64) *ChainConfig {
		g := DevGenesis(0)
		g.Reward = Reward{Initial: initial, HalvingInterval: interval}
		if err := g.Validate(); err != nil {
			t.Fatal(err)
		}
		return g.Config()
	}
	max256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	tests := []struct {
		name   string
		cfg    *ChainConfig
		height uint64
		want   *big.Int
	}{
		{"never halves, genesis", withInterval(coin, 0), 0, coin},
		{"never halves, far", withInterval(coin, 0), ^uint64(0), coin},
		{"before first halving", withInterval(coin, 100), 99, coin},
		{"first halving", withInterval(coin, 100), 100, new(big.Int).Rsh(coin, 1)},
		{"third halving", withInterval(coin, 100), 399, new(big.Int).Rsh(coin, 3)},
		{"rounds down", withInterval(big.NewInt(5), 1), 1, big.NewInt(2)},
		{"odd amount to zero", withInterval(big.NewInt(5), 1), 3, big.NewInt(0)},
		{"255 halvings of 2^256-1", withInterval(max256, 1), 255, big.NewInt(1)},
		{"256 halvings", withInterval(max256, 1), 256, big.NewInt(0)},
		{"beyond shift width", withInterval(max256, 1), ^uint64(0), big.NewInt(0)},
		{"zero reward", withInterval(big.NewInt(0), 10), 5, big.NewInt(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.cfg.Subsidy(tt.height)
			if got.Cmp(tt.want) != 0 {
				t.Fatalf("Subsidy(%d) = %v, want %v", tt.height, got, tt.want)
			}
			got.SetInt64(-1) // the result must not alias the config
			if again := tt.cfg.Subsidy(tt.height); again.Cmp(tt.want) != 0 {
				t.Fatalf("Subsidy aliases its config: now %v", again)
			}
		})
	}
}

func TestDevGenesis(t *testing.T) {
	t.Parallel()
	g := DevGenesis(1_700_000_000_000)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.ChainID != 1337 || g.TargetBlockTimeMs != 1000 || g.ASERTHalfLifeMs != 20*g.TargetBlockTimeMs {
		t.Fatalf("dev genesis %+v", g)
	}
	// A small difficulty: about 2^21 expected hashes for the first block.
	target, _ := types.CompactToTarget(g.InitialBits)
	if work := new(big.Int).Div(new(big.Int).Lsh(big.NewInt(1), 256), target); work.BitLen() != 22 {
		t.Fatalf("dev initial difficulty %v hashes per block, want about 2^21", work)
	}
	if DevAccount() != mustAddress(t, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266") {
		t.Fatalf("DevAccount %s", DevAccount())
	}
	a := g.Alloc[0]
	a.Balance.SetInt64(0) // the next call must not see this
	if DevGenesis(0).Alloc[0].Balance.Sign() == 0 {
		t.Fatal("DevGenesis shares its balances between calls")
	}
}

// FuzzParseGenesis: arbitrary bytes never panic, every error is a
// *FieldError, and an accepted genesis re-encodes to itself and derives the
// same configuration and header every time.
func FuzzParseGenesis(f *testing.F) {
	f.Add(readExample(f))
	dev, _ := DevGenesis(1).MarshalJSON()
	f.Add(dev)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"alloc": {"0x0": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGenesis(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidGenesis) {
				t.Fatalf("error %v is not a genesis *FieldError", err)
			}
			return
		}
		g2, err := ParseGenesis(data)
		if err != nil || !equalGenesis(g, g2) {
			t.Fatalf("parsing twice differs: %v", err)
		}
		if !reflect.DeepEqual(g.Config(), g2.Config()) || g.Header(types.Hash{}).Hash() != g2.Header(types.Hash{}).Hash() {
			t.Fatal("same genesis, different config or header")
		}
		out, err := g.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseGenesis(out)
		if err != nil {
			t.Fatalf("re-encoded genesis rejected: %v\n%s", err, out)
		}
		if !equalGenesis(back, g) {
			t.Fatalf("re-encoding changed the genesis")
		}
	})
}

// TestFuzzParseGenesisCorpus checks that the seed corpus on disk exists.
func TestFuzzParseGenesisCorpus(t *testing.T) {
	t.Parallel()
	files, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzParseGenesis"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus for FuzzParseGenesis: %v", err)
	}
}
