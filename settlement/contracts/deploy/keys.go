package deploy

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

// ErrNoKey is returned when no key is configured where one was looked for.
var ErrNoKey = errors.New("no key")

// LoadKeystore decrypts an encrypted go-ethereum keystore (V3 JSON) file
// with password. The error never contains the password or the key.
func LoadKeystore(path, password string) (*ecdsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keystore: %w", err)
	}
	key, err := keystore.DecryptKey(data, password)
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore %s: %w", path, err)
	}
	return key.PrivateKey, nil
}

// ReadPasswordFile reads a keystore password from a file, dropping one
// trailing newline (and carriage return), as geth's --password does for its
// first line.
func ReadPasswordFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read password file: %w", err)
	}
	s := string(data)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "\r"), nil
}

// KeyFromEnv reads a hex secp256k1 private key (with or without 0x) from
// the environment variable name. It returns ErrNoKey if the variable is
// unset or empty. The error never contains the variable's value.
func KeyFromEnv(name string) (*ecdsa.PrivateKey, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return nil, fmt.Errorf("%w: %s is not set", ErrNoKey, name)
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimPrefix(v, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("%s does not hold a hex secp256k1 private key", name)
	}
	return key, nil
}
