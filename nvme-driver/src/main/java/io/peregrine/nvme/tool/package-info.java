/**
 * The command-line tools behind {@code ./peregrine nvme}: {@code identify} and {@code perf}.
 */
package io.peregrine.nvme.tool;
