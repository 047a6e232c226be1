; token.qasm: an ERC-20 token, "Quarry Token" (QRY), 18 decimals.
;
;   constructor(uint256 initialSupply)   mints everything to the deployer
;   function name() returns (string)
;   function symbol() returns (string)
;   function decimals() returns (uint8)
;   function totalSupply() returns (uint256)
;   function balanceOf(address owner) returns (uint256)
;   function transfer(address to, uint256 amount) returns (bool)
;   function approve(address spender, uint256 amount) returns (bool)
;   function allowance(address owner, address spender) returns (uint256)
;   function transferFrom(address from, address to, uint256 amount) returns (bool)
;   event Transfer(address indexed from, address indexed to, uint256 value)
;   event Approval(address indexed owner, address indexed spender, uint256 value)
;
; Failures revert. Running out of balance or allowance reverts with the
; ABI encoding of Error(string), which ethers.js shows as the reason.
; An allowance of 2^256-1 is unlimited: transferFrom does not reduce it.
;
; Conventions (see counter.qasm for the basics): stack pictures are
; [bottom ... top]; subroutines are entered with the return label below
; their arguments, [ret args...], and leave [results...] when they jump
; back.
;
; Storage, in Solidity's layout so that tools that compute slots agree:
;   slot 0                                   totalSupply
;   keccak(owner . 1)                        balance of owner
;   keccak(spender . keccak(owner . 2))      allowance of spender over owner
; where "." joins two 32-byte words.

.const SUPPLY = 0
.const BALANCES = 1
.const ALLOWANCES = 2
.const ADDRESS_BITS = 160       ; an ABI address is a word whose top 96 bits are zero

; ---------------------------------------------------------------- init --
; ethers' ContractFactory sends this code followed by the ABI-encoded
; constructor arguments; size() is the length of the code alone, so the
; argument is at code[size():size()+32].
        CALLVALUE
        PUSH @init_fail
        JUMPI
        PUSH size() + 32
        CODESIZE
        EQ                      ; exactly one argument word?
        ISZERO
        PUSH @init_fail
        JUMPI
        PUSH 32
        PUSH size()
        PUSH 0
        CODECOPY                ; memory[0:32] = initialSupply
        PUSH 0
        MLOAD                   ; [supply]
        DUP1
        PUSH SUPPLY
        SSTORE                  ; totalSupply = supply     -> [supply]
        CALLER
        PUSH 0
        MSTORE
        PUSH BALANCES
        PUSH 32
        MSTORE
        DUP1                    ; [supply supply]
        PUSH 64
        PUSH 0
        KECCAK256               ; [supply supply slot]: keccak(caller . 1)
        SSTORE                  ; balance[caller] = supply -> [supply]
        PUSH 0
        MSTORE                  ; event data: the value
        CALLER                  ; topic 2: to
        PUSH 0                  ; topic 1: from = 0, a mint
        PUSH topic("Transfer(address,address,uint256)")
        PUSH 32
        PUSH 0
        LOG3
        PUSH size(runtime)
        DUP1
        PUSH start(runtime)
        PUSH 0
        CODECOPY
        PUSH 0
        RETURN
init_fail:
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

; ------------------------------------------------------------- runtime --
.section runtime
        CALLVALUE               ; nothing is payable
        PUSH @fail
        JUMPI
        PUSH 4
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH 0
        CALLDATALOAD
        PUSH 224
        SHR                     ; [sel]
        DUP1
        PUSH selector("transfer(address,uint256)")
        EQ
        PUSH @fn_transfer
        JUMPI
        DUP1
        PUSH selector("balanceOf(address)")
        EQ
        PUSH @fn_balanceOf
        JUMPI
        DUP1
        PUSH selector("transferFrom(address,address,uint256)")
        EQ
        PUSH @fn_transferFrom
        JUMPI
        DUP1
        PUSH selector("approve(address,uint256)")
        EQ
        PUSH @fn_approve
        JUMPI
        DUP1
        PUSH selector("allowance(address,address)")
        EQ
        PUSH @fn_allowance
        JUMPI
        DUP1
        PUSH selector("totalSupply()")
        EQ
        PUSH @fn_totalSupply
        JUMPI
        DUP1
        PUSH selector("decimals()")
        EQ
        PUSH @fn_decimals
        JUMPI
        DUP1
        PUSH selector("name()")
        EQ
        PUSH @fn_name
        JUMPI
        DUP1
        PUSH selector("symbol()")
        EQ
        PUSH @fn_symbol
        JUMPI
fail:                           ; unknown selector, short or malformed call data
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

; ---- shared endings
return_true:                    ; []
        JUMPDEST
        PUSH 1
return_word:                    ; [word] -> return it as one ABI word
        JUMPDEST
        PUSH 0
        MSTORE
        PUSH 32
        PUSH 0
        RETURN
return_sload:                   ; [slot] -> return storage[slot]
        JUMPDEST
        SLOAD
        PUSH @return_word
        JUMP

; ---- views
fn_name:
        JUMPDEST
        PUSH 96                 ; the string's ABI encoding is 3 words
        PUSH @name_abi
        PUSH 0
        CODECOPY
        PUSH 96
        PUSH 0
        RETURN
fn_symbol:
        JUMPDEST
        PUSH 96
        PUSH @symbol_abi
        PUSH 0
        CODECOPY
        PUSH 96
        PUSH 0
        RETURN
fn_decimals:                    ; [sel]
        JUMPDEST
        POP
        PUSH 18
        PUSH @return_word
        JUMP
fn_totalSupply:                 ; [sel]
        JUMPDEST
        POP
        PUSH SUPPLY
        PUSH @return_sload
        JUMP
fn_balanceOf:                   ; [sel]
        JUMPDEST
        POP
        PUSH 36                 ; selector + 1 word
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH 4
        CALLDATALOAD            ; [owner]
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail              ; not a clean address
        JUMPI
        PUSH 0
        MSTORE
        PUSH BALANCES
        PUSH 32
        MSTORE
        PUSH 64
        PUSH 0
        KECCAK256               ; [slot]
        PUSH @return_sload
        JUMP
fn_allowance:                   ; [sel]
        JUMPDEST
        POP
        PUSH 68
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH @return_sload      ; where allowance_slot returns to
        PUSH 4
        CALLDATALOAD            ; owner
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        PUSH 36
        CALLDATALOAD            ; spender
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        PUSH @allowance_slot    ; [ret owner spender]
        JUMP

; ---- state changes
fn_transfer:                    ; [sel]
        JUMPDEST
        POP
        PUSH 68
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH @return_true       ; ret
        CALLER                  ; from
        PUSH 4
        CALLDATALOAD            ; to
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        PUSH 36
        CALLDATALOAD            ; amount
        PUSH @move              ; [ret from to amount]
        JUMP

fn_approve:                     ; [sel]
        JUMPDEST
        POP
        PUSH 68
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH 4
        CALLDATALOAD            ; [spender]
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        PUSH @approve_slot      ; [spender ret]
        CALLER                  ; [spender ret owner]
        DUP3                    ; [spender ret owner spender]
        PUSH @allowance_slot
        JUMP
approve_slot:                   ; [spender slot]
        JUMPDEST
        PUSH 36
        CALLDATALOAD            ; [spender slot amount]
        DUP1
        SWAP2                   ; [spender amount amount slot]
        SSTORE                  ; allowance = amount -> [spender amount]
        PUSH 0
        MSTORE                  ; event data -> [spender]
        CALLER                  ; [spender owner]
        PUSH topic("Approval(address,address,uint256)")
        PUSH 32
        PUSH 0
        LOG3                    ; topics: Approval, owner, spender
        PUSH @return_true
        JUMP

fn_transferFrom:                ; [sel]
        JUMPDEST
        POP
        PUSH 100                ; selector + 3 words
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH @tf_slot
        PUSH 4
        CALLDATALOAD            ; owner = from
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        CALLER                  ; spender = caller
        PUSH @allowance_slot    ; [ret from caller]
        JUMP
tf_slot:                        ; [slot]
        JUMPDEST
        DUP1
        SLOAD                   ; [slot allowed]
        PUSH 68
        CALLDATALOAD            ; [slot allowed amount]
        DUP1
        DUP3                    ; [slot allowed amount amount allowed]
        LT                      ; allowed < amount
        PUSH @no_allowance
        JUMPI
        DUP2
        NOT
        ISZERO                  ; allowed == 2^256-1: unlimited
        PUSH @tf_move
        JUMPI
        DUP1
        DUP3
        SUB                     ; [slot allowed amount allowed-amount]
        DUP4
        SSTORE
tf_move:                        ; [slot allowed amount]
        JUMPDEST
        POP
        POP
        POP
        PUSH @return_true       ; ret
        PUSH 4
        CALLDATALOAD            ; from, checked above
        PUSH 36
        CALLDATALOAD            ; to
        DUP1
        PUSH ADDRESS_BITS
        SHR
        PUSH @fail
        JUMPI
        PUSH 68
        CALLDATALOAD            ; amount
        PUSH @move              ; [ret from to amount]
        JUMP

; ---- subroutines

; move: [ret from to amount] -> [], jumps to ret.
; Moves amount from one balance to another and emits Transfer, or
; reverts with "insufficient balance". from == to works: the second read
; sees the first write.
move:
        JUMPDEST
        DUP3
        PUSH 0
        MSTORE                  ; memory[0:32] = from
        PUSH BALANCES
        PUSH 32
        MSTORE                  ; memory[32:64] = 1
        PUSH 64
        PUSH 0
        KECCAK256               ; [ret from to amount fslot]
        DUP1
        SLOAD                   ; [ret from to amount fslot fbal]
        DUP1
        DUP4                    ; [... fbal amount]
        GT                      ; amount > fbal
        PUSH @no_balance
        JUMPI
        DUP3                    ; [ret from to amount fslot fbal amount]
        SWAP1
        SUB                     ; [ret from to amount fslot fbal-amount]
        SWAP1
        SSTORE                  ; [ret from to amount]
        DUP2
        PUSH 0
        MSTORE                  ; memory[0:32] = to; memory[32:64] is still 1
        PUSH 64
        PUSH 0
        KECCAK256               ; [ret from to amount tslot]
        DUP1
        SLOAD
        DUP3
        ADD                     ; cannot overflow: all balances sum to totalSupply
        SWAP1
        SSTORE                  ; [ret from to amount]
        PUSH 0
        MSTORE                  ; event data -> [ret from to]
        SWAP1                   ; [ret to from]
        PUSH topic("Transfer(address,address,uint256)")
        PUSH 32
        PUSH 0
        LOG3                    ; topics: Transfer, from, to -> [ret]
        JUMP

; allowance_slot: [ret owner spender] -> [slot], jumps to ret.
allowance_slot:
        JUMPDEST
        SWAP1                   ; [ret spender owner]
        PUSH 0
        MSTORE
        PUSH ALLOWANCES
        PUSH 32
        MSTORE
        PUSH 64
        PUSH 0
        KECCAK256               ; [ret spender keccak(owner . 2)]
        PUSH 32
        MSTORE
        PUSH 0
        MSTORE                  ; memory = spender . keccak(owner . 2)
        PUSH 64
        PUSH 0
        KECCAK256               ; [ret slot]
        SWAP1
        JUMP

no_balance:
        JUMPDEST
        PUSH 100
        PUSH @err_balance
        PUSH 0
        CODECOPY
        PUSH 100
        PUSH 0
        REVERT
no_allowance:
        JUMPDEST
        PUSH 100
        PUSH @err_allowance
        PUSH 0
        CODECOPY
        PUSH 100
        PUSH 0
        REVERT

; ---- data
; Data comes last, after code that cannot fall into it: a data byte that
; happens to be a PUSH opcode would hide the bytes after it from the
; jump-destination analysis, so no JUMPDEST may follow data.
name_abi:                       ; abi.encode("Quarry Token")
        .word 32                ; offset of the string
        .word 12                ; its length
        .string "Quarry Token"
        .zero 20                ; padding to a whole word
symbol_abi:                     ; abi.encode("QRY")
        .word 32
        .word 3
        .string "QRY"
        .zero 29
err_balance:                    ; Error("insufficient balance"), 100 bytes
        .bytes 0x08c379a0       ; the selector of Error(string)
        .word 32
        .word 20
        .string "insufficient balance"
        .zero 12
err_allowance:                  ; Error("insufficient allowance"), 100 bytes
        .bytes 0x08c379a0
        .word 32
        .word 22
        .string "insufficient allowance"
        .zero 10
