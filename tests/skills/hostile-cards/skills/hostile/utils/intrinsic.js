// A module whose source uses V8 intrinsic syntax: it must never compile.
exports.abort = function () { %AbortJS('from a module') }
