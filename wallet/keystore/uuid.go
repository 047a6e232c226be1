package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
)

// newUUID returns a random (version 4, RFC 9562 variant) UUID in its
// canonical 8-4-4-4-12 form, the id geth and ethers write.
func newUUID(r io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		return "", fmt.Errorf("keystore: reading randomness: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10xx
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// randomReader is where salts, IVs and ids come from.
func randomReader() io.Reader { return rand.Reader }
