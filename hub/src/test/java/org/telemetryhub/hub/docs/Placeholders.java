package org.telemetryhub.hub.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values behind the document's placeholders, and the comparison of the hub's answers with what the document
 * shows. {@code <now>} and {@code <now±ms>} are the hub's clock, {@code <port>} its port; any other {@code <name>} is
 * given ({@code <password>}) or takes its value from the answer it appears in, and later requests use that value.
 * {@code …} stands for anything.
 */
final class Placeholders {

    static final String ANY = "…";
    private static final Pattern COMPUTED = Pattern.compile("<now(?:([+-])(\\d+))?>|<port>");
    private static final Pattern NAMED = Pattern.compile("<([a-z][a-z0-9-]*)>");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long now;
    private final int port;
    private final Map<String, String> values = new HashMap<>();

    Placeholders(long now, int port, Map<String, String> given) {
        this.now = now;
        this.port = port;
        values.putAll(given);
    }

    /** Request text with every placeholder replaced by its value. */
    String fill(String text) {
        Matcher m = NAMED.matcher(computed(text));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new AssertionError(m.group() + " is used before an answer gave it a value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private String computed(String text) {
        Matcher m = COMPUTED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            long value = m.group().equals("<port>") ? port
                    : m.group(1) == null ? now
                    : m.group(1).equals("+") ? now + Long.parseLong(m.group(2)) : now - Long.parseLong(m.group(2));
            m.appendReplacement(out, Long.toString(value));
        }
        return m.appendTail(out).toString();
    }

    /** Compares one answer; what it captures becomes a value only once the whole answer matched. */
    Answer answer(String shown) {
        return new Answer(shown);
    }

    final class Answer {
        private final String shown;
        private final Map<String, String> captured = new LinkedHashMap<>();

        private Answer(String shown) {
            this.shown = shown;
        }

        /** A JSON body or frame: objects have exactly the keys shown, arrays the elements shown. */
        void json(String expected, String actual) {
            JsonNode want;
            try {
                want = JSON.readTree(quoteBareAny(computed(expected)));
            } catch (IOException e) {
                throw new AssertionError("the document's JSON does not parse: " + e.getMessage()
                        + "\n" + expected);
            }
            JsonNode got;
            try {
                got = JSON.readTree(actual);
            } catch (IOException e) {
                throw mismatch("the answer is not JSON: " + actual);
            }
            node(want, got, "$");
        }

        /** A header: one of the answer's values for it must match; {@code <name>} takes a value. */
        void header(String name, String expected, List<String> actual) {
            List<String> names = new ArrayList<>();
            Pattern pattern = pattern(computed(expected), names);
            for (String value : actual) {
                Matcher m = pattern.matcher(value);
                if (m.matches()) {
                    for (int g = 0; g < names.size(); g++) {
                        capture(names.get(g), m.group(g + 1), name);
                    }
                    return;
                }
            }
            throw mismatch("header " + name + " should read " + expected + ", but was " + actual);
        }

        /** A text body or a close reason: … stands for any text, and a line of just … for any lines. */
        void text(String expected, String actual) {
            StringBuilder regex = new StringBuilder("\n");
            for (String line : computed(expected).split("\n")) {
                regex.append(line.equals(ANY) ? "(?:.*?\n)?" : pattern(line, null).pattern() + "\n");
            }
            if (!Pattern.compile(regex.toString(), Pattern.DOTALL).matcher("\n" + actual.strip() + "\n").matches()) {
                throw mismatch("the body should read\n" + expected + "\nbut was\n" + actual);
            }
        }

        void commit() {
            values.putAll(captured);
        }

        private void node(JsonNode want, JsonNode got, String path) {
            if (want.isTextual()) {
                text(want.textValue(), got, path);
            } else if (want.isObject()) {
                if (!got.isObject()) {
                    throw differs(path, want, got);
                }
                TreeSet<String> missing = new TreeSet<>();
                want.fieldNames().forEachRemaining(missing::add);
                TreeSet<String> extra = new TreeSet<>();
                got.fieldNames().forEachRemaining(extra::add);
                extra.removeAll(missing);
                got.fieldNames().forEachRemaining(missing::remove);
                if (!missing.isEmpty() || !extra.isEmpty()) {
                    throw mismatch("at " + path + " the keys differ: the document shows " + missing
                            + " that the hub left out, the hub added " + extra);
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    node(field.getValue(), got.get(field.getKey()), path + "." + field.getKey());
                }
            } else if (want.isArray()) {
                if (!got.isArray() || got.size() != want.size()) {
                    throw differs(path, want, got);
                }
                for (int i = 0; i < want.size(); i++) {
                    node(want.get(i), got.get(i), path + "[" + i + "]");
                }
            } else if (want.isNumber()) {
                if (!got.isNumber() || want.decimalValue().compareTo(got.decimalValue()) != 0) {
                    throw differs(path, want, got);
                }
            } else if (!want.equals(got)) {
                throw differs(path, want, got);
            }
        }

        private void text(String want, JsonNode got, String path) {
            if (want.equals(ANY)) {
                return;
            }
            Matcher whole = NAMED.matcher(want);
            if (whole.matches()) {
                capture(whole.group(1), got.isTextual() ? got.textValue() : got.toString(), path);
                return;
            }
            if (!got.isTextual() || !pattern(want, null).matcher(got.textValue()).matches()) {
                throw differs(path, JSON.getNodeFactory().textNode(want), got);
            }
        }

        private void capture(String name, String value, String where) {
            String earlier = captured.putIfAbsent(name, value);
            if (earlier != null && !earlier.equals(value)) {
                throw mismatch("<" + name + "> takes two values in one answer (the second at " + where + ")");
            }
        }

        private AssertionError differs(String path, JsonNode want, JsonNode got) {
            return mismatch("at " + path + " the document shows " + want + ", but the hub answered " + got);
        }

        private AssertionError mismatch(String what) {
            return new AssertionError(what + "\nthe hub's whole answer: " + shown);
        }
    }

    /**
     * A pattern for text where … matches anything; with {@code names} non-null, {@code <name>} also matches one
     * token and its name is added to {@code names} in group order.
     */
    private static Pattern pattern(String text, List<String> names) {
        StringBuilder regex = new StringBuilder();
        Matcher m = (names == null ? Pattern.compile(Pattern.quote(ANY)) : Pattern.compile(Pattern.quote(ANY)
                + "|" + NAMED.pattern())).matcher(text);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(text.substring(last, m.start())));
            if (m.group().equals(ANY)) {
                regex.append(".*?");
            } else {
                names.add(m.group(1));
                regex.append("([^;,\\s]+)");
            }
            last = m.end();
        }
        regex.append(Pattern.quote(text.substring(last)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Writes a bare … (outside JSON strings) as the string "…", so the document's JSON parses. */
    private static String quoteBareAny(String json) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\') {
                out.append(c).append(json.charAt(++i));
                continue;
            }
            if (c == '"') {
                inString = !inString;
            }
            out.append(!inString && c == '…' ? "\"…\"" : String.valueOf(c));
        }
        return out.toString();
    }
}
