package org.telemetryhub.hub.auth;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;
import org.telemetryhub.hub.core.SessionEnd;

/**
 * The live streams of operator sessions on this node (dashboard sockets, SSE streams, pending long-polls), so that a
 * session that ends ends them too: a logout, a password change, an operator's deletion or a change of its role or
 * namespaces at once ({@link #end}, on every node through the feed), an expiry at the next {@link #expire} check.
 * An end that arrives between a stream's session check and its registration still ends it, and {@link #recheck}
 * asks the store about every live session now and then, for a notice another node sent that was lost.
 */
public final class LiveSessions {

    /** How long an end is remembered for streams that were being opened when it came. */
    private static final long REMEMBERED_NANOS = 60_000_000_000L;

    /** A live stream: told once why its session ended, it closes itself. */
    @FunctionalInterface
    public interface Stream {
        void end(SessionEnd.Reason reason);
    }

    /** Stops watching a stream that ended by itself. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private record Live(OperatorAuth.Session session, Stream stream) {}

    private record Ended(SessionEnd end, long atNanos) {}

    private final Set<Live> live = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedDeque<Ended> recent = new ConcurrentLinkedDeque<>();

    public Registration open(OperatorAuth.Session session, Stream stream) {
        Live entry = new Live(session, stream);
        live.add(entry);
        for (Ended ended : recent) {
            if (ended.atNanos() - session.checkedNanos() >= 0 && covers(ended.end(), entry)) {
                finish(entry, ended.end().reason());
                break;
            }
        }
        return () -> live.remove(entry);
    }

    /** Ends the streams of the sessions this end covers. */
    public void end(SessionEnd end) {
        recent.addLast(new Ended(end, System.nanoTime()));
        for (Live entry : live) {
            if (covers(end, entry)) {
                finish(entry, end.reason());
            }
        }
    }

    /** Ends the streams of sessions that expired by {@code now}; forgets old ends. */
    public void expire(long now) {
        for (Live entry : live) {
            if (entry.session().expiresAt() <= now) {
                finish(entry, SessionEnd.Reason.EXPIRED);
            }
        }
        long forgetBefore = System.nanoTime() - REMEMBERED_NANOS;
        recent.removeIf(ended -> ended.atNanos() - forgetBefore < 0);
    }

    /** Ends the streams of sessions the store no longer holds; one question per live session. */
    public void recheck(Predicate<String> stillValid) {
        Set<String> checked = new HashSet<>();
        Set<String> gone = new HashSet<>();
        for (Live entry : live) {
            String token = entry.session().tokenHash();
            if (checked.add(token) && !stillValid.test(token)) {
                gone.add(token);
            }
        }
        gone.forEach(token -> end(SessionEnd.of(token, SessionEnd.Reason.ENDED)));
    }

    /** How many streams are live, for the metrics. */
    public int size() {
        return live.size();
    }

    private static boolean covers(SessionEnd end, Live entry) {
        return end.covers(entry.session().tokenHash(), entry.session().operator().username());
    }

    private void finish(Live entry, SessionEnd.Reason reason) {
        if (live.remove(entry)) {
            entry.stream().end(reason);
        }
    }
}
