package collections

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"time"
)

var (
	osGetenv    = os.Getenv
	userHomeDir = os.UserHomeDir
)

// DynamicVariables lists the built-in {{$name}} variables, compatible with
// Postman's of the same names.
var DynamicVariables = []string{
	"$guid", "$randomUUID", "$timestamp", "$isoTimestamp", "$randomInt",
	"$randomAlphaNumeric", "$randomBoolean", "$randomHexadecimal",
}

func dynamicValue(name string, now func() time.Time, rnd func(int) int) (string, bool) {
	if now == nil {
		now = time.Now
	}
	if rnd == nil {
		rnd = cryptoIntn
	}
	switch name {
	case "$guid", "$randomUUID":
		return newUUID(rnd), true
	case "$timestamp":
		return strconv.FormatInt(now().Unix(), 10), true
	case "$isoTimestamp":
		return now().UTC().Format("2006-01-02T15:04:05.000Z"), true
	case "$randomInt":
		return strconv.Itoa(rnd(1001)), true // 0..1000, as Postman
	case "$randomAlphaNumeric":
		const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
		return string(chars[rnd(len(chars))]), true
	case "$randomBoolean":
		return strconv.FormatBool(rnd(2) == 1), true
	case "$randomHexadecimal":
		return string("0123456789abcdef"[rnd(16)]), true
	}
	return "", false
}

func cryptoIntn(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0
	}
	return int(v.Int64())
}

// newUUID makes a version 4 UUID from rnd, so tests can fix it.
func newUUID(rnd func(int) int) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rnd(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
