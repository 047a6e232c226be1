package vm

// jumpdests is a bitmap of the offsets in a code that are JUMPDEST
// instructions, as opposed to bytes equal to JUMPDEST inside PUSH data.
// Only those are valid jump targets, which makes a code's control flow
// decidable by reading it once from the start, as its disassembly does.
type jumpdests []uint64

// analyse scans code once, skipping PUSH immediates.
func analyse(code []byte) jumpdests {
	bits := make(jumpdests, (len(code)+63)/64)
	for pc := 0; pc < len(code); pc++ {
		op := Opcode(code[pc])
		switch {
		case op == JUMPDEST:
			bits[pc/64] |= 1 << (pc % 64)
		case op > PUSH0 && op <= PUSH32:
			pc += int(op - PUSH0)
		}
	}
	return bits
}

// valid reports whether dest is a JUMPDEST instruction.
func (b jumpdests) valid(dest uint64) bool {
	i := dest / 64
	return i < uint64(len(b)) && b[i]&(1<<(dest%64)) != 0
}
