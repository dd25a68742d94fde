package io.peregrine.nvmf.core;

/**
 * The command parsers a target uses, by queue state and type.
 *
 * @param connect commands on a queue not yet connected: only Connect succeeds
 * @param fabrics Fabrics commands on a connected queue (Property Get/Set, Disconnect)
 * @param admin the admin command set of an I/O controller
 * @param discoveryAdmin the admin commands a discovery controller supports
 * @param io the NVM command set on I/O queues
 */
public record CommandSets(
        CommandSet connect, CommandSet fabrics, CommandSet admin, CommandSet discoveryAdmin, CommandSet io) {}
