package org.telemetryhub.hub.core;

/**
 * Operator sessions that ended, for every node to close their live streams: one session (by its token's hash) or
 * every session of one operator (by username). Exactly one of the two is set.
 */
public record SessionEnd(String tokenHash, String username, Reason reason) {

    /** Why sessions end, each with the sentence a client is told. */
    public enum Reason {
        SIGNED_OUT("the session ended because it was signed out; sign in again"),
        EXPIRED("the session ended because it expired; sign in again"),
        PASSWORD_CHANGED("the session ended because the operator's password was changed; sign in again"),
        OPERATOR_DELETED("the session ended because the operator was deleted"),
        ACCESS_CHANGED("the session ended because the operator's role or namespaces changed; sign in again"),
        /** The store no longer holds the session, and the notice that said why did not arrive. */
        ENDED("the session ended; sign in again");

        private final String sentence;

        Reason(String sentence) {
            this.sentence = sentence;
        }

        public String sentence() {
            return sentence;
        }
    }

    public SessionEnd {
        if ((tokenHash == null) == (username == null)) {
            throw new IllegalArgumentException("a session end names one session or one operator, not both or none");
        }
    }

    public static SessionEnd of(String tokenHash, Reason reason) {
        return new SessionEnd(tokenHash, null, reason);
    }

    public static SessionEnd ofOperator(String username, Reason reason) {
        return new SessionEnd(null, username, reason);
    }

    /** True when this end covers the session with this token hash, held by this operator. */
    public boolean covers(String sessionTokenHash, String sessionUsername) {
        return tokenHash != null ? tokenHash.equals(sessionTokenHash) : username.equals(sessionUsername);
    }
}
