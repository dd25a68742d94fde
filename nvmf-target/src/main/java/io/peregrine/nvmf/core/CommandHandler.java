package io.peregrine.nvmf.core;

/**
 * Executes one kind of command once its data (if any) is in the request's buffer; chosen by a
 * {@link CommandSet} when the command arrives. Completes the request with {@link
 * Request#complete(int)} -- before returning, or later from a namespace completion.
 */
@FunctionalInterface
public interface CommandHandler {
    void execute(Request request);
}
