/**
 * NVMe over Fabrics structures the shared {@code io.peregrine.nvme.spec} package does not carry
 * because only a Fabrics transport uses them (NVMe Base 2.1, "Fabrics Command Set" and "Discovery
 * Log Page"; NVMe TCP Transport 1.1): the Connect, Property Get/Set and Disconnect command layouts,
 * the Connect data, the SGL descriptor as the TCP transport uses it, the Discovery log page, the
 * Asynchronous Event completion and the Changed Namespace List. Built like that package: named,
 * little-endian, byte-aligned layouts read in place at a base offset.
 */
package io.peregrine.nvmf.fabrics.spec;
