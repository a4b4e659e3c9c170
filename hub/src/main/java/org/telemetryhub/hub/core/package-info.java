/**
 * The hub's shared vocabulary: devices, operators, readings and their outcomes, and the store interfaces that
 * {@code store/} implements. It imports neither JDBC, Jetty nor HiveMQ.
 */
package org.telemetryhub.hub.core;
