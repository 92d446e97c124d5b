# Runs regular expressions on Onigmo, the engine Fluent Bit compiles its parsers and multiline
# rules with, and prints what each matched.
#
# Fluent Bit 5.0.9 src/flb_regex.c:143-146 compiles a pattern with onig_new(..., ONIG_OPTION_DEFAULT
# (no /.../flags given), ONIG_ENCODING_UTF8, ONIG_SYNTAX_RUBY) and flb_regex.c:203-208 searches the
# whole record with onig_search(..., ONIG_OPTION_NONE). Ruby's Regexp.new(source) is that call on its
# own Onigmo (6.2, the version Fluent Bit vendors in lib/onigmo), and Regexp#match is onig_search.
#
# stdin:  {"patterns": [source, ...], "subjects": [string, ...]}
# stdout: [[null | {"group": "value", ...}, ...per subject], ...per pattern]
# A pattern Onigmo refuses prints {"error": message} in place of its row.
require 'json'

input = JSON.parse($stdin.read)
rows = input['patterns'].map do |source|
  begin
    re = Regexp.new(source)
    input['subjects'].map do |subject|
      m = re.match(subject.encode('UTF-8'))
      next nil if m.nil?
      m.names.to_h { |n| [n, m[n]] }
    end
  rescue RegexpError => e
    { 'error' => e.message }
  end
end
puts JSON.generate(rows)
