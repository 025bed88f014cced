// Package syntax gives the workbench the few chroma lexers and the one
// style it uses, built on first use.
//
// chroma's lexers and styles packages build every one of their ~280
// lexers and ~70 styles when the program starts: 12 ms before main runs,
// paid by every mistbench command, even "send" in a script. Here the
// lexer definitions (chroma's own XML files, MIT, see COPYING.chroma) are
// embedded and each is compiled only when first asked for.
package syntax

import (
	"embed"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

//go:embed lexers/*.xml styles/*.xml
var files embed.FS

var registry = sync.OnceValue(func() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	entries, err := files.ReadDir("lexers")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	for _, e := range entries {
		reg.Register(chroma.MustNewXMLLexer(files, "lexers/"+e.Name()))
	}
	reg.Register(goLexer())
	return reg
})

// Lexer returns the lexer for a name, alias or file name ("json", "yaml",
// "xml", "html", "python", "go", "bash", "curl" ...), or nil.
func Lexer(name string) chroma.Lexer {
	name = strings.ToLower(strings.TrimSpace(name))
	switch name {
	case "":
		return nil
	case "curl", "shell", "sh":
		name = "bash"
	case "golang":
		name = "go"
	}
	return registry().Get(name)
}

// Names lists the lexers this package has.
func Names() []string { return registry().Names(false) }

var style = sync.OnceValue(func() *chroma.Style {
	f, err := files.Open("styles/monokai.xml")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s, err := chroma.NewXMLStyle(f)
	if err != nil {
		panic(err)
	}
	return s
})

// Style is the colour style of bodies and code (monokai).
func Style() *chroma.Style { return style() }

// goLexer is chroma's Go lexer (MIT), which chroma writes in Go rather than
// XML; raw strings are plain strings here instead of Go templates.
func goLexer() chroma.Lexer {
	const (
		T = chroma.TextWhitespace
	)
	return chroma.MustNewLexer(&chroma.Config{
		Name: "Go", Aliases: []string{"go", "golang"}, Filenames: []string{"*.go"}, MimeTypes: []string{"text/x-gosrc"},
	}, func() chroma.Rules {
		return chroma.Rules{"root": {
			{Pattern: `\n`, Type: T},
			{Pattern: `\s+`, Type: T},
			{Pattern: `//[^\s\n\r][^\n\r]*`, Type: chroma.CommentPreproc},
			{Pattern: `//[^\n\r]*`, Type: chroma.CommentSingle},
			{Pattern: `/(\\\n)?[*](.|\n)*?[*](\\\n)?/`, Type: chroma.CommentMultiline},
			{Pattern: `(import|package)\b`, Type: chroma.KeywordNamespace},
			{Pattern: `(var|func|struct|map|chan|type|interface|const)\b`, Type: chroma.KeywordDeclaration},
			{Pattern: chroma.Words(``, `\b`, `break`, `default`, `select`, `case`, `defer`, `go`, `else`, `goto`, `switch`, `fallthrough`, `if`, `range`, `continue`, `for`, `return`), Type: chroma.Keyword},
			{Pattern: `(true|false|iota|nil)\b`, Type: chroma.KeywordConstant},
			{Pattern: chroma.Words(``, `\b(\()`, `uint`, `uint8`, `uint16`, `uint32`, `uint64`, `int`, `int8`, `int16`, `int32`, `int64`, `float`, `float32`, `float64`, `complex64`, `complex128`, `byte`, `rune`, `string`, `bool`, `error`, `uintptr`, `print`, `println`, `panic`, `recover`, `close`, `complex`, `real`, `imag`, `len`, `cap`, `append`, `copy`, `delete`, `new`, `make`, `clear`, `min`, `max`), Type: chroma.ByGroups(chroma.NameBuiltin, chroma.Punctuation)},
			{Pattern: chroma.Words(``, `\b`, `uint`, `uint8`, `uint16`, `uint32`, `uint64`, `int`, `int8`, `int16`, `int32`, `int64`, `float`, `float32`, `float64`, `complex64`, `complex128`, `byte`, `rune`, `string`, `bool`, `error`, `uintptr`, `any`), Type: chroma.KeywordType},
			{Pattern: `\d+(\.\d+[eE][+\-]?\d+|\.\d*|[eE][+\-]?\d+)`, Type: chroma.LiteralNumberFloat},
			{Pattern: `0[xX][0-9a-fA-F_]+`, Type: chroma.LiteralNumberHex},
			{Pattern: `(0|[1-9][0-9_]*)`, Type: chroma.LiteralNumberInteger},
			{Pattern: `'(\\['"\\abfnrtv]|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\\])'`, Type: chroma.LiteralStringChar},
			{Pattern: "`[^`]*`", Type: chroma.LiteralString},
			{Pattern: `"(\\\\|\\"|[^"])*"`, Type: chroma.LiteralString},
			{Pattern: `(<<=|>>=|<<|>>|<=|>=|&\^=|&\^|\+=|-=|\*=|/=|%=|&=|\|=|&&|\|\||<-|\+\+|--|==|!=|:=|\.\.\.|[+\-*/%&])`, Type: chroma.Operator},
			{Pattern: `([a-zA-Z_]\w*)(\s*)(\()`, Type: chroma.ByGroups(chroma.NameFunction, chroma.UsingSelf("root"), chroma.Punctuation)},
			{Pattern: `[|^<>=!()\[\]{}.,;:~]`, Type: chroma.Punctuation},
			{Pattern: `[^\W\d]\w*`, Type: chroma.NameOther},
		}}
	})
}
