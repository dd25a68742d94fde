package io.peregrine.nvme.dma;

/** DMA memory could not be had; the message says why and what to change. */
public final class DmaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DmaException(String message) {
        super(message);
    }

    public DmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
