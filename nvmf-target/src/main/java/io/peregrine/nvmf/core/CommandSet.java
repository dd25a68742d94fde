package io.peregrine.nvmf.core;

/**
 * Parses the commands of one queue type (Linux nvmet's {@code nvmet_parse_*_cmd}): checks the SQE,
 * picks the {@link CommandHandler} and states the data transfer it expects. Runs on the queue's
 * event loop, before any data has been fetched.
 */
@FunctionalInterface
public interface CommandSet {
    /**
     * Prepares {@code request}: on success sets its handler (and expected transfer through {@link
     * Request#expectTransfer}) and returns 0; on failure returns an NVMe Status Field (usually with
     * DNR) after setting the error location with {@link Request#errorAt(int)}.
     */
    int parse(Request request);
}
