package postman

import (
	"encoding/json"

	gojson "github.com/goccy/go-json"
)

// The shapes Postman itself writes (every v2.1 export, mistbench's too):
// a request is an object, its url an object and its header a list. Such a
// file decodes in one pass into the types below, where the general types
// keep request, url and header as raw JSON, to decode again each: on a
// large collection that is most of the reading. A file with any other
// shape fails the one pass (a type error) and is read the general way,
// so both ways give the same.

type fastCollection struct {
	Info     pmInfo       `json:"info"`
	Item     []*fastItem  `json:"item"`
	Event    []pmEvent    `json:"event,omitempty"`
	Variable []pmVariable `json:"variable,omitempty"`
	Auth     *pmAuth      `json:"auth,omitempty"`
	Behavior *pmBehavior  `json:"protocolProfileBehavior,omitempty"`
	Ext      *extension   `json:"_mistbench,omitempty"`
}

type fastItem struct {
	Name        string          `json:"name"`
	Description json.RawMessage `json:"description,omitempty"`
	Variable    []pmVariable    `json:"variable,omitempty"`
	Item        *[]*fastItem    `json:"item,omitempty"`
	Request     *fastRequest    `json:"request,omitempty"`
	Response    []pmResponse    `json:"response,omitempty"`
	Event       []pmEvent       `json:"event,omitempty"`
	Auth        *pmAuth         `json:"auth,omitempty"`
	Behavior    *pmBehavior     `json:"protocolProfileBehavior,omitempty"`
	Ext         *extension      `json:"_mistbench,omitempty"`
}

type fastRequest struct {
	URL         *pmURL          `json:"url,omitempty"`
	Auth        *pmAuth         `json:"auth,omitempty"`
	Method      string          `json:"method,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
	Header      []pmKV          `json:"header,omitempty"`
	Body        *pmBody         `json:"body,omitempty"`
}

// fastUnmarshal is github.com/goccy/go-json's Unmarshal: encoding/json's
// results (tests hold it to them, FuzzFastDecode too) in half the time on
// a large collection, which is most of what 'code' and 'send' on a Postman
// file spend after start-up.
var fastUnmarshal = gojson.Unmarshal

// generalOnly turns decodeFast off (tests compare both ways).
var generalOnly = false

// decodeFast decodes data in one pass into pc when the file has the
// shapes above; false means: read it the general way.
func decodeFast(data []byte, pc *pmCollection) bool {
	if generalOnly {
		return false
	}
	var fc fastCollection
	if fastUnmarshal(data, &fc) != nil {
		return false
	}
	items, ok := fastItems(fc.Item)
	if !ok {
		return false
	}
	*pc = pmCollection{Info: fc.Info, Item: items, Event: fc.Event, Variable: fc.Variable,
		Auth: fc.Auth, Behavior: fc.Behavior, Ext: fc.Ext}
	return true
}

// fastItems gives the general form of items; false when an item has
// neither "item" nor a request: "request": null, which the general way
// reads as an empty request, decodes here as no request at all.
func fastItems(items []*fastItem) ([]*pmItem, bool) {
	if items == nil {
		return nil, true
	}
	out := make([]*pmItem, len(items))
	for i, f := range items {
		if f == nil {
			continue
		}
		if f.Item == nil && f.Request == nil {
			return nil, false
		}
		it := &pmItem{Name: f.Name, Description: f.Description, Variable: f.Variable, Response: f.Response,
			Event: f.Event, Auth: f.Auth, Behavior: f.Behavior, Ext: f.Ext, fast: f.Request}
		if f.Item != nil {
			sub, ok := fastItems(*f.Item)
			if !ok {
				return nil, false
			}
			if sub == nil {
				sub = []*pmItem{}
			}
			it.Item = &sub
		}
		out[i] = it
	}
	return out, true
}
