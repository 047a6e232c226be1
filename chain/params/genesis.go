package params

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"

	"github.com/quarry-chain/quarry/chain/types"
)

// Genesis is a parsed and validated genesis file: the network's fixed
// parameters and its initial state. doc.go describes every field. Alloc and
// each account's Storage are sorted and unique, so consumers (the state
// package computing the genesis state root, the JSON encoder) iterate them
// in one order on every machine.
type Genesis struct {
	ChainID           uint64
	Timestamp         uint64 // unix milliseconds
	TargetBlockTimeMs uint64
	ASERTHalfLifeMs   uint64
	InitialBits       uint32
	PowLimitBits      uint32
	Reward            Reward
	GasLimit          uint64
	MaxBlockBytes     uint64
	MaxDriftMs        uint64
	ExtraData         []byte
	Alloc             []GenesisAccount // sorted by Address, no duplicates
}

// Reward is the block subsidy schedule: Initial wei per block, halved every
// HalvingInterval blocks (0: never halved).
type Reward struct {
	Initial         *big.Int
	HalvingInterval uint64
}

// GenesisAccount is one pre-funded account or pre-deployed contract.
type GenesisAccount struct {
	Address types.Address
	Balance *big.Int // wei, nil means zero
	Nonce   uint64
	Code    []byte
	Storage []StorageEntry // sorted by Key, no duplicates, no zero values
}

// StorageEntry is one storage slot of a genesis contract.
type StorageEntry struct {
	Key   types.Hash
	Value types.Hash
}

// MaxGenesisBytes bounds the genesis file LoadGenesis reads (64 MiB), so a
// wrong path to a huge file fails fast instead of exhausting memory.
const MaxGenesisBytes = 64 << 20

// LoadGenesis reads and parses the genesis file at path.
func LoadGenesis(path string) (*Genesis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxGenesisBytes+1))
	if err != nil {
		return nil, fmt.Errorf("genesis %s: %w", path, err)
	}
	if len(data) > MaxGenesisBytes {
		return nil, fieldErr("", ErrBadValue, "%s is larger than %d bytes", path, MaxGenesisBytes)
	}
	g, err := ParseGenesis(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// ParseGenesis decodes a genesis JSON document strictly (unknown, repeated or
// missing fields are errors, every value is range-checked) and validates it.
// Every error is a *FieldError matching ErrInvalidGenesis.
func ParseGenesis(data []byte) (*Genesis, error) {
	members, err := readObject(data, "")
	if err != nil {
		return nil, err
	}
	g := &Genesis{MaxDriftMs: DefaultMaxDriftMs}
	var have struct{ chainID, timestamp, target, halfLife, initialBits, powLimit, reward, gasLimit, maxBytes bool }
	for _, m := range members {
		var err error
		switch m.key {
		case "chainId":
			g.ChainID, err = parseUint(m.value, m.key)
			have.chainID = true
		case "timestamp":
			g.Timestamp, err = parseUint(m.value, m.key)
			have.timestamp = true
		case "targetBlockTimeMs":
			g.TargetBlockTimeMs, err = parseUint(m.value, m.key)
			have.target = true
		case "asertHalfLifeMs":
			g.ASERTHalfLifeMs, err = parseUint(m.value, m.key)
			have.halfLife = true
		case "initialBits":
			g.InitialBits, err = parseBits(m.value, m.key)
			have.initialBits = true
		case "powLimitBits":
			g.PowLimitBits, err = parseBits(m.value, m.key)
			have.powLimit = true
		case "reward":
			g.Reward, err = parseReward(m.value, m.key)
			have.reward = true
		case "gasLimit":
			g.GasLimit, err = parseUint(m.value, m.key)
			have.gasLimit = true
		case "maxBlockBytes":
			g.MaxBlockBytes, err = parseUint(m.value, m.key)
			have.maxBytes = true
		case "maxDriftMs":
			g.MaxDriftMs, err = parseUint(m.value, m.key)
		case "extraData":
			g.ExtraData, err = parseBytes(m.value, m.key, MaxExtraDataBytes)
		case "alloc":
			g.Alloc, err = parseAlloc(m.value, m.key)
		default:
			err = fieldErr(m.key, ErrUnknownField, "not a genesis field")
		}
		if err != nil {
			return nil, err
		}
	}
	for _, req := range []struct {
		ok   bool
		name string
	}{
		{have.chainID, "chainId"}, {have.timestamp, "timestamp"},
		{have.target, "targetBlockTimeMs"}, {have.halfLife, "asertHalfLifeMs"},
		{have.initialBits, "initialBits"}, {have.powLimit, "powLimitBits"},
		{have.reward, "reward"}, {have.gasLimit, "gasLimit"}, {have.maxBytes, "maxBlockBytes"},
	} {
		if !req.ok {
			return nil, fieldErr(req.name, ErrMissingField, "required")
		}
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, nil
}

// parseReward reads the reward object; both members are required.
func parseReward(raw json.RawMessage, path string) (Reward, error) {
	var r Reward
	members, err := readObject(raw, path)
	if err != nil {
		return r, err
	}
	var haveInitial, haveInterval bool
	for _, m := range members {
		field := join(path, m.key)
		switch m.key {
		case "initial":
			r.Initial, err = parseAmount(m.value, field)
			haveInitial = true
		case "halvingInterval":
			r.HalvingInterval, err = parseUint(m.value, field)
			haveInterval = true
		default:
			err = fieldErr(field, ErrUnknownField, "not a reward field")
		}
		if err != nil {
			return r, err
		}
	}
	if !haveInitial {
		return r, fieldErr(join(path, "initial"), ErrMissingField, "required")
	}
	if !haveInterval {
		return r, fieldErr(join(path, "halvingInterval"), ErrMissingField, "required (0 means never)")
	}
	return r, nil
}

// parseAlloc reads the address -> account object and returns the accounts
// sorted by address. Two keys naming the same address (say, in different
// letter case) are duplicates.
func parseAlloc(raw json.RawMessage, path string) ([]GenesisAccount, error) {
	members, err := readObject(raw, path)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, nil
	}
	accounts := make([]GenesisAccount, 0, len(members))
	for _, m := range members {
		field := path + "[" + abbreviate(m.key) + "]"
		addr, err := types.ParseAddress(m.key)
		if err != nil {
			return nil, &FieldError{Field: field, Err: fmt.Errorf("%w: %w", ErrBadValue, err)}
		}
		acct, err := parseAccount(m.value, field)
		if err != nil {
			return nil, err
		}
		acct.Address = addr
		accounts = append(accounts, acct)
	}
	slices.SortFunc(accounts, func(a, b GenesisAccount) int { return bytes.Compare(a.Address[:], b.Address[:]) })
	for i := 1; i < len(accounts); i++ {
		if accounts[i].Address == accounts[i-1].Address {
			return nil, fieldErr(path+"["+accounts[i].Address.Hex()+"]", ErrDuplicateField, "address given more than once")
		}
	}
	return accounts, nil
}

// parseAccount reads one alloc entry; every member is optional.
func parseAccount(raw json.RawMessage, path string) (GenesisAccount, error) {
	var a GenesisAccount
	members, err := readObject(raw, path)
	if err != nil {
		return a, err
	}
	for _, m := range members {
		field := join(path, m.key)
		switch m.key {
		case "balance":
			a.Balance, err = parseAmount(m.value, field)
		case "nonce":
			a.Nonce, err = parseUint(m.value, field)
		case "code":
			a.Code, err = parseBytes(m.value, field, -1)
		case "storage":
			a.Storage, err = parseStorage(m.value, field)
		default:
			err = fieldErr(field, ErrUnknownField, "not an account field")
		}
		if err != nil {
			return a, err
		}
	}
	return a, nil
}

// parseStorage reads slot -> value hex words and returns them sorted by slot.
func parseStorage(raw json.RawMessage, path string) ([]StorageEntry, error) {
	members, err := readObject(raw, path)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, nil
	}
	entries := make([]StorageEntry, 0, len(members))
	for _, m := range members {
		field := path + "[" + abbreviate(m.key) + "]"
		key, err := parseWord(m.key, field)
		if err != nil {
			return nil, err
		}
		s, err := parseString(m.value, field)
		if err != nil {
			return nil, err
		}
		value, err := parseWord(s, field)
		if err != nil {
			return nil, err
		}
		entries = append(entries, StorageEntry{Key: key, Value: value})
	}
	slices.SortFunc(entries, func(a, b StorageEntry) int { return bytes.Compare(a.Key[:], b.Key[:]) })
	for i := 1; i < len(entries); i++ {
		if entries[i].Key == entries[i-1].Key {
			return nil, fieldErr(path+"["+entries[i].Key.Hex()+"]", ErrDuplicateField, "slot given more than once")
		}
	}
	return entries, nil
}

// Validate checks every rule of doc.go on g, whether it came from
// ParseGenesis or was built in Go (DevGenesis, tests). Errors name the JSON
// field.
func (g *Genesis) Validate() error {
	if g.ChainID == 0 || g.ChainID > MaxChainID {
		return fieldErr("chainId", ErrBadValue, "%d not in [1, %d]", g.ChainID, uint64(MaxChainID))
	}
	if g.Timestamp > MaxTimestamp {
		return fieldErr("timestamp", ErrBadValue, "%d ms is after %d", g.Timestamp, uint64(MaxTimestamp))
	}
	if g.TargetBlockTimeMs == 0 || g.TargetBlockTimeMs > MaxTargetBlockTimeMs {
		return fieldErr("targetBlockTimeMs", ErrBadValue, "%d not in [1, %d]", g.TargetBlockTimeMs, uint64(MaxTargetBlockTimeMs))
	}
	if g.ASERTHalfLifeMs < g.TargetBlockTimeMs || g.ASERTHalfLifeMs > MaxASERTHalfLifeMs {
		return fieldErr("asertHalfLifeMs", ErrBadValue, "%d not in [targetBlockTimeMs = %d, %d]",
			g.ASERTHalfLifeMs, g.TargetBlockTimeMs, uint64(MaxASERTHalfLifeMs))
	}
	powLimit, err := canonicalTarget(g.PowLimitBits, "powLimitBits")
	if err != nil {
		return err
	}
	initial, err := canonicalTarget(g.InitialBits, "initialBits")
	if err != nil {
		return err
	}
	if initial.Cmp(powLimit) > 0 {
		return fieldErr("initialBits", ErrBadValue, "target of 0x%08x is easier than powLimitBits 0x%08x", g.InitialBits, g.PowLimitBits)
	}
	if g.Reward.Initial == nil {
		return fieldErr("reward.initial", ErrMissingField, "required")
	}
	if g.Reward.Initial.Sign() < 0 || g.Reward.Initial.BitLen() > 256 {
		return fieldErr("reward.initial", ErrBadValue, "%v not in [0, 2^256)", g.Reward.Initial)
	}
	if g.GasLimit < MinGasLimit || g.GasLimit > MaxGasLimit {
		return fieldErr("gasLimit", ErrBadValue, "%d not in [%d, %d]", g.GasLimit, uint64(MinGasLimit), uint64(MaxGasLimit))
	}
	if g.MaxBlockBytes < MinMaxBlockBytes || g.MaxBlockBytes > MaxMaxBlockBytes {
		return fieldErr("maxBlockBytes", ErrBadValue, "%d not in [%d, %d]", g.MaxBlockBytes, uint64(MinMaxBlockBytes), uint64(MaxMaxBlockBytes))
	}
	if g.MaxDriftMs == 0 || g.MaxDriftMs > MaxMaxDriftMs {
		return fieldErr("maxDriftMs", ErrBadValue, "%d not in [1, %d]", g.MaxDriftMs, uint64(MaxMaxDriftMs))
	}
	if len(g.ExtraData) > MaxExtraDataBytes {
		return fieldErr("extraData", ErrBadValue, "%d bytes, at most %d allowed", len(g.ExtraData), MaxExtraDataBytes)
	}
	for i := range g.Alloc {
		if err := g.Alloc[i].validate(); err != nil {
			return err
		}
		if i > 0 && bytes.Compare(g.Alloc[i-1].Address[:], g.Alloc[i].Address[:]) >= 0 {
			return fieldErr("alloc["+g.Alloc[i].Address.Hex()+"]", ErrDuplicateField, "alloc not sorted by address or address repeated")
		}
	}
	return nil
}

// canonicalTarget decodes bits and insists they are the canonical compact
// encoding of their target (what TargetToCompact produces). Only then does
// the difficulty rule, which re-encodes the target, give block 1 exactly the
// genesis bits; a non-canonical value would also give one target two names.
func canonicalTarget(bits uint32, field string) (*big.Int, error) {
	target, err := types.CompactToTarget(bits)
	if err != nil {
		return nil, &FieldError{Field: field, Err: fmt.Errorf("%w: %w", ErrBadValue, err)}
	}
	if c := types.TargetToCompact(target); c != bits {
		return nil, fieldErr(field, ErrBadValue, "0x%08x is not canonical, the same target is 0x%08x", bits, c)
	}
	return target, nil
}

// validate checks one alloc entry.
func (a *GenesisAccount) validate() error {
	field := "alloc[" + a.Address.Hex() + "]"
	if a.Balance != nil && (a.Balance.Sign() < 0 || a.Balance.BitLen() > 256) {
		return fieldErr(field+".balance", ErrBadValue, "%v not in [0, 2^256)", a.Balance)
	}
	if a.Nonce == ^uint64(0) {
		// EIP-2681: a nonce must stay below 2^64-1 so it can be incremented.
		return fieldErr(field+".nonce", ErrBadValue, "must be below 2^64-1")
	}
	for i, e := range a.Storage {
		if e.Value.IsZero() {
			return fieldErr(field+".storage["+e.Key.Hex()+"]", ErrBadValue, "zero value: an unset slot is already zero, omit it")
		}
		if i > 0 && bytes.Compare(a.Storage[i-1].Key[:], e.Key[:]) >= 0 {
			return fieldErr(field+".storage["+e.Key.Hex()+"]", ErrDuplicateField, "storage not sorted by slot or slot repeated")
		}
	}
	if (a.Balance == nil || a.Balance.Sign() == 0) && a.Nonce == 0 && len(a.Code) == 0 && len(a.Storage) == 0 {
		return fieldErr(field, ErrBadValue, "empty account: give a balance, nonce, code or storage")
	}
	return nil
}

// Header returns the genesis block header: height 0, zero parent and
// coinbase, empty transactions and receipts (the Merkle root of no leaves),
// the given state root, time, bits, gas limit and extra data from g, nonce 0.
// The genesis block is not mined: nodes accept it by identity (its hash names
// the network), not by proof of work. stateRoot is the root of g.Alloc,
// which the state package computes. Same genesis and state root, same header,
// same hash.
func (g *Genesis) Header(stateRoot types.Hash) *types.Header {
	empty := types.MerkleRoot(nil)
	h := &types.Header{
		Version:      types.HeaderVersion,
		Height:       0,
		ParentHash:   g.ParamsHash(),
		TxRoot:       empty,
		ReceiptsRoot: empty,
		StateRoot:    stateRoot,
		GasLimit:     g.GasLimit,
		Time:         g.Timestamp,
		Bits:         g.InitialBits,
	}
	copy(h.Extra[:], g.ExtraData)
	return h
}

// genesisJSON fixes the field order of the encoding MarshalJSON writes.
type genesisJSON struct {
	ChainID           uint64                 `json:"chainId"`
	Timestamp         uint64                 `json:"timestamp"`
	TargetBlockTimeMs uint64                 `json:"targetBlockTimeMs"`
	ASERTHalfLifeMs   uint64                 `json:"asertHalfLifeMs"`
	InitialBits       string                 `json:"initialBits"`
	PowLimitBits      string                 `json:"powLimitBits"`
	Reward            rewardJSON             `json:"reward"`
	GasLimit          uint64                 `json:"gasLimit"`
	MaxBlockBytes     uint64                 `json:"maxBlockBytes"`
	MaxDriftMs        uint64                 `json:"maxDriftMs"`
	ExtraData         string                 `json:"extraData,omitempty"`
	Alloc             map[string]accountJSON `json:"alloc"`
}

type rewardJSON struct {
	Initial         string `json:"initial"`
	HalvingInterval uint64 `json:"halvingInterval"`
}

type accountJSON struct {
	Balance string            `json:"balance,omitempty"`
	Nonce   uint64            `json:"nonce,omitempty"`
	Code    string            `json:"code,omitempty"`
	Storage map[string]string `json:"storage,omitempty"`
}

// MarshalJSON writes g in the genesis file format, every field explicit,
// amounts as decimal strings, alloc and storage keys in lower-case hex (so
// encoding/json's sorted map keys list them in address and slot order).
// ParseGenesis of the output gives back an equal Genesis.
func (g *Genesis) MarshalJSON() ([]byte, error) {
	out := genesisJSON{
		ChainID:           g.ChainID,
		Timestamp:         g.Timestamp,
		TargetBlockTimeMs: g.TargetBlockTimeMs,
		ASERTHalfLifeMs:   g.ASERTHalfLifeMs,
		InitialBits:       fmt.Sprintf("0x%08x", g.InitialBits),
		PowLimitBits:      fmt.Sprintf("0x%08x", g.PowLimitBits),
		Reward:            rewardJSON{Initial: amountString(g.Reward.Initial), HalvingInterval: g.Reward.HalvingInterval},
		GasLimit:          g.GasLimit,
		MaxBlockBytes:     g.MaxBlockBytes,
		MaxDriftMs:        g.MaxDriftMs,
		Alloc:             make(map[string]accountJSON, len(g.Alloc)),
	}
	if len(g.ExtraData) > 0 {
		out.ExtraData = "0x" + hex.EncodeToString(g.ExtraData)
	}
	for _, a := range g.Alloc {
		aj := accountJSON{Nonce: a.Nonce}
		if a.Balance != nil && a.Balance.Sign() != 0 {
			aj.Balance = amountString(a.Balance)
		}
		if len(a.Code) > 0 {
			aj.Code = "0x" + hex.EncodeToString(a.Code)
		}
		if len(a.Storage) > 0 {
			aj.Storage = make(map[string]string, len(a.Storage))
			for _, e := range a.Storage {
				aj.Storage[e.Key.Hex()] = e.Value.Hex()
			}
		}
		out.Alloc["0x"+hex.EncodeToString(a.Address[:])] = aj
	}
	return json.MarshalIndent(out, "", "  ")
}

// amountString writes an amount as a decimal string; nil is "0".
func amountString(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// paramsDomain separates the parameter hash from every other SHA-256 use.
const paramsDomain = "quarry genesis parameters v1"

// ParamsHash commits to every consensus parameter of the genesis (all but
// the allocation, which the state root commits to). The genesis block has
// no parent, so its header carries this hash as its parent hash: the
// genesis hash, which names the network in the p2p handshake and the data
// directory, then differs for any two configurations that would validate
// blocks differently, not only for different allocations or start times.
func (g *Genesis) ParamsHash() types.Hash {
	b := make([]byte, 0, 160)
	b = append(b, paramsDomain...)
	for _, v := range []uint64{
		g.ChainID, g.Timestamp, g.TargetBlockTimeMs, g.ASERTHalfLifeMs,
		uint64(g.InitialBits), uint64(g.PowLimitBits), g.Reward.HalvingInterval,
		g.GasLimit, g.MaxBlockBytes, g.MaxDriftMs,
	} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	var reward [32]byte
	if g.Reward.Initial != nil && g.Reward.Initial.Sign() >= 0 && g.Reward.Initial.BitLen() <= 256 {
		g.Reward.Initial.FillBytes(reward[:])
	}
	b = append(b, reward[:]...)
	b = append(b, byte(len(g.ExtraData)))
	b = append(b, g.ExtraData...)
	return sha256.Sum256(b)
}
