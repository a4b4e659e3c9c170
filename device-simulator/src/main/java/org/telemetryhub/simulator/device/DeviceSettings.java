package org.telemetryhub.simulator.device;

import org.telemetryhub.client.Backoff;
import org.telemetryhub.simulator.faults.Faults;

/**
 * What every device of a fleet shares.
 *
 * @param ratePerSecond readings each device makes per second
 * @param batch         readings per frame at most
 * @param window        frames a device keeps in flight (sent, not answered) at most
 * @param lingerMs      longest a reading waits for its frame to fill before a partial frame goes
 * @param ackTimeoutMs  a link whose oldest frame is unanswered this long is taken for dead and cut
 * @param backoff       waits between reconnect attempts
 * @param faults        the trouble devices make on purpose
 * @param spike         a temperature each device reports about once every {@link Sensor#SPIKE_EVERY_S} seconds
 *                      (null: none), to drive alert rules in a demo
 */
public record DeviceSettings(double ratePerSecond, int batch, int window, long lingerMs, long ackTimeoutMs,
                             Backoff backoff, Faults faults, Double spike) {}
