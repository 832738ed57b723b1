package io.snapdelta.config;

/** A bad configuration value: {@code Invalid value X for configuration Y: why}. Secrets print as [hidden]. */
public final class ConfigException extends IllegalArgumentException {
    private final String key;

    public ConfigException(String key, String shownValue, String why) {
        super("Invalid value " + shownValue + " for configuration " + key + ": " + why);
        this.key = key;
    }

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
