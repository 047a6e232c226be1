package hd

import (
	"fmt"
	"strconv"
	"strings"
)

// HardenedOffset is added to an index to mark it hardened (BIP-32: indices
// 2^31 and up are hardened).
const HardenedOffset uint32 = 1 << 31

// MaxDepth is the deepest a key can sit in the tree: BIP-32 records depth in
// one byte.
const MaxDepth = 255

// BIP-44 constants for Ethereum accounts: purpose 44', coin type 60' (SLIP-44
// registers 60 for Ether), account 0', external chain 0.
const (
	bip44Purpose  = 44
	ethereumCoin  = 60
	defaultAcct   = 0
	externalChain = 0
)

// maxPathLen bounds the text ParsePath reads: 255 components of at most ten
// digits and a marker each fit well inside it.
const maxPathLen = 4096

// Path is a derivation path from the master key: one child index per level,
// hardened indices already including HardenedOffset.
type Path []uint32

// ParsePath reads a path such as "m/44'/60'/0'/0/0". It must start with "m";
// each component is a decimal index below 2^31, optionally followed by ',
// h or H to mark it hardened. "m" alone is the master key itself.
func ParsePath(s string) (Path, error) {
	if len(s) > maxPathLen {
		return nil, fmt.Errorf("%w: %d bytes is too long", ErrInvalidPath, len(s))
	}
	parts := strings.Split(s, "/")
	if parts[0] != "m" {
		return nil, fmt.Errorf("%w: %q does not start with \"m\"", ErrInvalidPath, s)
	}
	parts = parts[1:]
	if len(parts) > MaxDepth {
		return nil, fmt.Errorf("%w: %d levels, at most %d", ErrInvalidPath, len(parts), MaxDepth)
	}
	p := make(Path, 0, len(parts))
	for i, part := range parts {
		idx, err := parseComponent(part)
		if err != nil {
			return nil, fmt.Errorf("%w: component %d %q: %v", ErrInvalidPath, i+1, part, err)
		}
		p = append(p, idx)
	}
	return p, nil
}

// parseComponent reads one path component: digits and an optional hardened
// marker.
func parseComponent(part string) (uint32, error) {
	hardened := false
	if n := len(part); n > 0 {
		switch part[n-1] {
		case '\'', 'h', 'H':
			hardened = true
			part = part[:n-1]
		}
	}
	if part == "" {
		return 0, fmt.Errorf("empty index")
	}
	for i := 0; i < len(part); i++ {
		if part[i] < '0' || part[i] > '9' {
			return 0, fmt.Errorf("not a decimal index")
		}
	}
	v, err := strconv.ParseUint(part, 10, 32)
	if err != nil || uint32(v) >= HardenedOffset {
		return 0, fmt.Errorf("index must be below 2^31")
	}
	if hardened {
		return uint32(v) + HardenedOffset, nil
	}
	return uint32(v), nil
}

// String formats p with ' for hardened levels, the form ParsePath reads.
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('m')
	for _, idx := range p {
		b.WriteByte('/')
		if idx >= HardenedOffset {
			b.WriteString(strconv.FormatUint(uint64(idx-HardenedOffset), 10))
			b.WriteByte('\'')
		} else {
			b.WriteString(strconv.FormatUint(uint64(idx), 10))
		}
	}
	return b.String()
}

// EthereumPath returns m/44'/60'/0'/0/index, the BIP-44 path of Ethereum
// account number index as MetaMask and anvil number them. index must be
// below 2^31 (the last level is not hardened).
func EthereumPath(index uint32) (Path, error) {
	if index >= HardenedOffset {
		return nil, fmt.Errorf("%w: account index %d must be below 2^31", ErrInvalidPath, index)
	}
	return Path{
		bip44Purpose + HardenedOffset,
		ethereumCoin + HardenedOffset,
		defaultAcct + HardenedOffset,
		externalChain,
		index,
	}, nil
}
