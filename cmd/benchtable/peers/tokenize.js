// tokenize.js FILE: the node-edifact side of make bench-peers. It streams
// FILE through node-edifact's Parser (its tokenizer, no validator and no
// segment table), counting segments, elements and components, and prints
// the counts as JSON. The callbacks are set on the parser itself, as the
// package's README advises when speed matters, so no event is emitted.
'use strict';

const fs = require('fs');
const Parser = require('edifact/parser.js');

const file = process.argv[2];
if (!file) {
  console.error('usage: node tokenize.js FILE');
  process.exit(2);
}

const parser = new Parser();
parser.encoding('UNOC');
const counts = { segments: 0, elements: 0, components: 0 };
parser.onopensegment = function () { counts.segments++; };
parser.onclosesegment = function () {};
parser.onelement = function () { counts.elements++; };
parser.oncomponent = function () { counts.components++; };

// Large synchronous reads: fewer, bigger chunks for the parser, and no
// stream machinery between the file and it.
const fd = fs.openSync(file, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  parser.write(buf.latin1Slice(0, n));
}
fs.closeSync(fd);
parser.end();
console.log(JSON.stringify(counts));
