package trie

import (
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
)

// Proof shows a key's value, or its absence, under a root: the path a search
// for the key takes (see doc.go).
type Proof struct {
	// Leaf is where the search ends; nil only in a proof for the empty trie.
	Leaf *ProofLeaf
	// Steps are the inner nodes on the path, root first.
	Steps []ProofStep
}

// ProofLeaf is the leaf a search ends at.
type ProofLeaf struct {
	Key       Key
	ValueHash types.Hash // SHA-256 of the leaf's value
}

// ProofStep is one inner node on a proof's path.
type ProofStep struct {
	Split   uint8      // the node's split bit
	Sibling types.Hash // the hash of the child the path does not take
}

// Proof encoding sizes (see doc.go).
const (
	proofLeafLen = 1 + 32 + 32
	proofStepLen = 1 + 32
)

// Prove returns the proof of key's value or absence under the current root.
func (t *Trie) Prove(key Key) (*Proof, error) {
	p := &Proof{}
	if t.root == EmptyRoot {
		return p, nil
	}
	pos, want := position{}, t.root
	for {
		n, err := t.read(pos, want)
		if err != nil {
			return nil, err
		}
		if n.leaf {
			p.Leaf = &ProofLeaf{Key: n.path, ValueHash: ValueHash(n.value)}
			return p, nil
		}
		// Follow key's bit even where key has left n's prefix: the leaf
		// reached then agrees with key at every split, as Verify requires.
		b := bit(&key, uint(n.split))
		p.Steps = append(p.Steps, ProofStep{Split: n.split, Sibling: n.child[1-b]})
		pos, want = childPos(&n.path, n.split, b), n.child[b]
	}
}

// VerifyProof checks that p shows key holding value under root, or, for an
// empty value, key being absent. It returns nil, an error wrapping
// ErrMalformedProof for a proof that is not well formed, or one wrapping
// ErrProofMismatch for a well-formed proof of something else.
func VerifyProof(root types.Hash, key Key, value []byte, p *Proof) error {
	if len(value) > MaxValueSize {
		return fmt.Errorf("%w: value of %d bytes, limit %d", ErrValueTooLarge, len(value), MaxValueSize)
	}
	if err := p.check(); err != nil {
		return err
	}
	if p.Leaf == nil {
		if root != EmptyRoot {
			return fmt.Errorf("%w: empty-trie proof against root %s", ErrProofMismatch, root)
		}
		if len(value) > 0 {
			return fmt.Errorf("%w: key %x claimed present in the empty trie", ErrProofMismatch, key)
		}
		return nil
	}
	leaf := p.Leaf
	if len(value) > 0 {
		if leaf.Key != key {
			return fmt.Errorf("%w: proof ends at key %x, not %x", ErrProofMismatch, leaf.Key, key)
		}
		if vh := ValueHash(value); leaf.ValueHash != vh {
			return fmt.Errorf("%w: key %x has value hash %s, claimed value hashes to %s", ErrProofMismatch, key, leaf.ValueHash, vh)
		}
	} else {
		if leaf.Key == key {
			return fmt.Errorf("%w: key %x is present", ErrProofMismatch, key)
		}
		for _, s := range p.Steps {
			if bit(&key, uint(s.Split)) != bit(&leaf.Key, uint(s.Split)) {
				return fmt.Errorf("%w: path to %x leaves key %x at bit %d", ErrProofMismatch, leaf.Key, key, s.Split)
			}
		}
	}
	h := leafHash(&leaf.Key, &leaf.ValueHash)
	for i := len(p.Steps) - 1; i >= 0; i-- {
		s := &p.Steps[i]
		prefix := truncate(&leaf.Key, uint(s.Split))
		if bit(&leaf.Key, uint(s.Split)) == 0 {
			h = innerHash(s.Split, &prefix, &h, &s.Sibling)
		} else {
			h = innerHash(s.Split, &prefix, &s.Sibling, &h)
		}
	}
	if h != root {
		return fmt.Errorf("%w: proof for key %x computes root %s, want %s", ErrProofMismatch, key, h, root)
	}
	return nil
}

// check reports whether p is well formed: steps only with a leaf, splits
// strictly increasing from the root.
func (p *Proof) check() error {
	if p == nil {
		return fmt.Errorf("%w: nil proof", ErrMalformedProof)
	}
	if p.Leaf == nil && len(p.Steps) > 0 {
		return fmt.Errorf("%w: %d steps without a leaf", ErrMalformedProof, len(p.Steps))
	}
	for i := 1; i < len(p.Steps); i++ {
		if p.Steps[i].Split <= p.Steps[i-1].Split {
			return fmt.Errorf("%w: split %d after split %d", ErrMalformedProof, p.Steps[i].Split, p.Steps[i-1].Split)
		}
	}
	return nil
}

// MarshalBinary encodes a well-formed p (see doc.go).
func (p *Proof) MarshalBinary() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.Leaf == nil {
		return []byte{0x00}, nil
	}
	b := make([]byte, 0, proofLeafLen+proofStepLen*len(p.Steps))
	b = append(b, 0x01)
	b = append(b, p.Leaf.Key[:]...)
	b = append(b, p.Leaf.ValueHash[:]...)
	for _, s := range p.Steps {
		b = append(b, s.Split)
		b = append(b, s.Sibling[:]...)
	}
	return b, nil
}

// UnmarshalBinary decodes a proof strictly: exactly one encoding per proof,
// nothing trailing. Errors wrap ErrMalformedProof.
func (p *Proof) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty input", ErrMalformedProof)
	}
	switch b[0] {
	case 0x00:
		if len(b) != 1 {
			return fmt.Errorf("%w: %d bytes after an empty-trie proof", ErrMalformedProof, len(b)-1)
		}
		*p = Proof{}
		return nil
	case 0x01:
	default:
		return fmt.Errorf("%w: unknown proof kind %#02x", ErrMalformedProof, b[0])
	}
	if len(b) < proofLeafLen {
		return fmt.Errorf("%w: %d bytes, a leaf needs %d", ErrMalformedProof, len(b), proofLeafLen)
	}
	rest := len(b) - proofLeafLen
	if rest%proofStepLen != 0 {
		return fmt.Errorf("%w: %d bytes of steps is not a multiple of %d", ErrMalformedProof, rest, proofStepLen)
	}
	n := rest / proofStepLen
	if n > keyBits { // also implied by strictly increasing splits; checked first to bound allocation
		return fmt.Errorf("%w: %d steps, at most %d", ErrMalformedProof, n, keyBits)
	}
	q := Proof{Leaf: &ProofLeaf{}}
	if n > 0 {
		q.Steps = make([]ProofStep, n)
	}
	copy(q.Leaf.Key[:], b[1:33])
	copy(q.Leaf.ValueHash[:], b[33:proofLeafLen])
	for i := range q.Steps {
		s := b[proofLeafLen+i*proofStepLen:]
		q.Steps[i].Split = s[0]
		copy(q.Steps[i].Sibling[:], s[1:proofStepLen])
	}
	if err := q.check(); err != nil {
		return err
	}
	*p = q
	return nil
}
