//go:build !amd64

package sha256x

// Only x86-64 has the SHA-NI kernel; SHANI.Available is false elsewhere, so
// these are never reached.

func haveSHANI() bool { return false }

func compressNI(st *[8]uint32, w *[16]uint32) {
	s := fromNI(st)
	blockGeneric(&s, w)
	*st = toNI(&s)
}

func scanNI(j *niJob, lo, n uint32) (idx uint32, found bool) { return 0, false }
