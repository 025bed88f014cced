// Package collections is mistbench's domain model: collections of saved HTTP
// requests organised in folders, environments, variables and secrets, their
// git-friendly on-disk format, and the resolution of a saved request into the
// exact request that goes on the wire.
//
// It knows nothing of terminals, HTTP clients or code generators: the send
// engine, codegen, importers and the workbench all build on it.
package collections

import "time"

// Collection is a tree of folders and requests plus what they inherit
// (variables, headers, auth) and the environments that go with it.
type Collection struct {
	Name        string
	ID          string // stable identifier; keys the user's secret store
	Description string
	Variables   []Variable
	Headers     []Param
	Auth        Auth
	Settings    CollectionSettings
	Items       []Item

	Environments []*Environment

	// Dir is the directory the collection was loaded from or last saved to.
	Dir string
	// Problems lists files that could not be loaded. They stay untouched on
	// disk and appear in Items as *Broken so their place is kept.
	Problems []*FileError

	disk *diskState // what was read, so Save writes only what changed
}

// CollectionSettings holds collection-wide options.
type CollectionSettings struct {
	// InsecureSkipVerify turns TLS certificate verification off for every
	// request of the collection. It must be shown wherever a request is sent.
	InsecureSkipVerify bool
}

// Item is an entry of a folder: a *Folder, a *Request or a *Broken file.
type Item interface {
	ItemName() string
}

// Folder groups requests; what it carries is inherited by what it holds.
type Folder struct {
	Name        string
	Description string
	Variables   []Variable
	Headers     []Param
	Auth        Auth
	Items       []Item

	dirName string // directory name on disk ("" until saved)
}

// ItemName implements Item.
func (f *Folder) ItemName() string { return f.Name }

// Broken stands for a file that failed to load, in its place in the tree.
type Broken struct {
	File string // path relative to the collection directory
	Err  *FileError
}

// ItemName implements Item.
func (b *Broken) ItemName() string { return b.File }

// Request is a saved HTTP request.
type Request struct {
	Name   string
	Method string // any HTTP token; "" means GET
	// URL may hold {{variables}} and :path variables. A query written in the
	// URL is sent as written; Query holds the editable parameters.
	URL         string
	PathVars    []Param
	Query       []Param
	Headers     []Param
	Auth        Auth // Type "" (inherit) takes the folder's, then the collection's
	Body        Body
	Description string
	Settings    RequestSettings
	Captures    []Capture
	Expect      Expect
	Examples    []Example
	// Scripts are Postman scripts kept as inert notes: never run.
	Scripts []Script

	fileName string // file name on disk ("" until saved)
}

// ItemName implements Item.
func (r *Request) ItemName() string { return r.Name }

// Param is one row of a key/value table (query, headers, path variables,
// url-encoded form). Rows keep their order and may repeat a key.
type Param struct {
	Key         string
	Value       string
	Disabled    bool
	Description string
}

// Variable is a named value. A secret variable's value is never stored in
// the collection: it comes from the process environment variable Env names
// or from the user's secret store.
type Variable struct {
	Key         string
	Value       string // always "" for a secret in files
	Secret      bool
	Env         string // process environment variable that supplies it
	Description string
}

// AuthType names a way to authenticate.
type AuthType string

// The auth types.
const (
	AuthInherit   AuthType = ""           // from the folder, then the collection
	AuthNone      AuthType = "none"       // no auth, even if a parent has one
	AuthMistToken AuthType = "mist-token" // Authorization: Token <token>
	AuthBearer    AuthType = "bearer"     // Authorization: Bearer <token>
	AuthBasic     AuthType = "basic"      // Authorization: Basic base64(user:pass)
	AuthAPIKey    AuthType = "apikey"     // <key>: <value> in a header or query
	AuthMistLogin AuthType = "mist-login" // POST /api/v1/login session + CSRF
)

// AuthTypes lists every auth type, in the order the UI offers them.
var AuthTypes = []AuthType{AuthInherit, AuthNone, AuthMistToken, AuthBearer, AuthBasic, AuthAPIKey, AuthMistLogin}

// Auth configures authentication. Which fields count depends on Type.
// Credential fields should hold {{variables}} naming secrets, not literals.
type Auth struct {
	Type AuthType

	Token string // mist-token, bearer

	Username string // basic
	Password string // basic, mist-login

	Key   string // apikey: header or query parameter name
	Value string // apikey: its value
	In    string // apikey: "header" (default) or "query"

	Email     string // mist-login
	TwoFactor string // mist-login: optional one-time code
}

// BodyKind names the kind of a request body.
type BodyKind string

// The body kinds.
const (
	BodyNone      BodyKind = ""          // no body
	BodyRaw       BodyKind = "raw"       // text sent as written
	BodyJSON      BodyKind = "json"      // JSON text sent as written, never re-serialised
	BodyForm      BodyKind = "form"      // application/x-www-form-urlencoded from Form
	BodyMultipart BodyKind = "multipart" // multipart/form-data from Parts
	BodyFile      BodyKind = "file"      // the bytes of File
)

// BodyKinds lists every body kind, in the order the UI offers them.
var BodyKinds = []BodyKind{BodyNone, BodyJSON, BodyRaw, BodyForm, BodyMultipart, BodyFile}

// Body is a request body.
type Body struct {
	Kind BodyKind
	// Text is the body of raw and json kinds, byte for byte.
	Text string
	// Language hints how raw text is highlighted (text, xml, html, yaml, javascript).
	Language string
	Form     []Param // form
	Parts    []Part  // multipart
	// File is the path of the file sent (file kind); relative paths are
	// relative to the collection directory.
	File string
}

// Part is one part of a multipart body: text when File is "", else the
// file's content.
type Part struct {
	Name        string
	Value       string
	File        string // relative paths are relative to the collection directory
	ContentType string // "" lets the sender choose
	Disabled    bool
	Description string
}

// RequestSettings holds per-request options.
type RequestSettings struct {
	Timeout time.Duration // 0: the sender's default
	// FollowRedirects nil means the default (follow, at most 10).
	FollowRedirects *bool
	MaxRedirects    int // 0: the default (10)
	// AllPages sends the request once per page and merges the pages.
	AllPages bool
}

// Capture stores part of a response into a variable of the environment.
// Exactly one of JQ and Header is set.
type Capture struct {
	Var    string
	JQ     string // jq expression over the JSON body
	Header string // response header name
}

// Expect holds declarative checks of a response.
type Expect struct {
	Status []int    // any of these; empty: no status check
	JQ     []string // each must evaluate to true
}

// Example is a saved example response.
type Example struct {
	Name    string
	Status  int
	Headers []Param
	Body    string
}

// Script is a script kept from an import (Postman's event); never run.
type Script struct {
	Listen string // "prerequest", "test"
	Exec   string
}

// Environment is a named set of variables, such as one per Mist cloud.
type Environment struct {
	Name        string
	Description string
	Variables   []Variable

	fileName string
}

// Lookup returns the variable named key, or nil.
func (e *Environment) Lookup(key string) *Variable {
	if e == nil {
		return nil
	}
	for i := range e.Variables {
		if e.Variables[i].Key == key {
			return &e.Variables[i]
		}
	}
	return nil
}

// Environment returns the environment with that name, or nil.
func (c *Collection) Environment(name string) *Environment {
	for _, e := range c.Environments {
		if e.Name == name {
			return e
		}
	}
	return nil
}
