package dev.cdcsync.api;

/**
 * The pipeline definition is invalid: a mistake the user has to fix before anything runs. The
 * message names the option or YAML line involved. The command line exits with code 2.
 */
public class ConfigurationException extends RuntimeException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
