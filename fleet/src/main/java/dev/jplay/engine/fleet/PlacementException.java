package dev.jplay.engine.fleet;

/** The replicas of an app cannot be placed on the targeted hosts (too little capacity, bad spec). */
public final class PlacementException extends RuntimeException {
    public PlacementException(String message) {
        super(message);
    }
}
